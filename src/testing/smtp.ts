// A real SMTP server on a loopback port (the `smtp-server` package) that keeps what it receives,
// and can be told to refuse the next messages with a given reply.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  /** Header names in lower case; folded lines unfolded; encoded words left as sent. */
  headers: Record<string, string>;
  /** The whole message with quoted-printable and base64 parts decoded, for searching. */
  decoded: string;
}

export interface SmtpReply {
  code: number;
  message: string;
}

export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  /** Replies to give, in order, instead of accepting the next messages. */
  readonly refusals: SmtpReply[] = [];
  /** Called when a message has been received and before the reply; may delay it. */
  beforeReply: (mail: ReceivedMail) => Promise<void> = async () => {};

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<TestSmtpServer> {
    const self: { instance?: TestSmtpServer } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const refusal = self.instance!.refusals.shift();
          if (refusal) {
            callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
            return;
          }
          const mail = parseMail(Buffer.concat(chunks).toString('latin1'), session.envelope.rcptTo.map((r) => r.address));
          self.instance!.received.push(mail);
          self.instance!.beforeReply(mail).then(() => callback(), callback);
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self.instance = new TestSmtpServer(server, (server.server.address() as AddressInfo).port);
    return self.instance;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function parseMail(raw: string, to: string[]): ReceivedMail {
  const [head = ''] = raw.split(/\r?\n\r?\n/, 1);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { to, headers, decoded: decodeParts(raw) };
}

/** Quoted-printable soft breaks and escapes, and base64 blocks, decoded as UTF-8. */
function decodeParts(raw: string): string {
  const unquoted = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const base64Decoded = unquoted.replace(
    /(Content-Transfer-Encoding: base64\r?\n(?:[^\r\n]+\r?\n)*\r?\n)([A-Za-z0-9+/=\r\n]+)/gi,
    (_m, header: string, body: string) => header + Buffer.from(body.replace(/\s/g, ''), 'base64').toString('latin1'),
  );
  return Buffer.from(base64Decoded, 'latin1').toString('utf8');
}
