// The syntax tree produced by grammar.peggy.
export type Expr =
  | { kind: 'num'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'ref'; name: string }
  | { kind: 'self' }
  /** A column of the choices sheet, in a choice_filter (`cf = ${state}`); `name` is the choice's code. */
  | { kind: 'column'; name: string }
  | { kind: 'neg'; operand: Expr }
  | { kind: 'call'; name: string; args: Expr[]; offset: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr };

export type BinaryOp = 'or' | 'and' | '=' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | 'div' | 'mod';
