// Realistic demo descriptions for labour-migration activities and resources, in English, French and
// Spanish, assembled from templates: what the theme covers, how the activity runs, who it is for,
// and what participants leave with. Deterministic: the choice depends only on the index given.
import type { Modality } from './vocabulary.ts';

export type DemoLang = 'en' | 'fr' | 'es';
type Texts = Record<DemoLang, string[]>;

/** What each theme is about: two variants per language. */
const focus: Record<string, Texts> = {
  labour_migration_governance: {
    en: ['Participants examine how labour migration policies are designed, coordinated across ministries and reviewed with social partners.', 'The programme looks at national labour migration policies, institutional coordination and the role of bilateral and regional frameworks.'],
    fr: ['Les participants examinent la conception des politiques de migration de main-d’œuvre, leur coordination entre ministères et leur suivi avec les partenaires sociaux.', 'Le programme aborde les politiques nationales de migration de main-d’œuvre, la coordination institutionnelle et le rôle des cadres bilatéraux et régionaux.'],
    es: ['Las y los participantes analizan cómo se diseñan las políticas de migración laboral, cómo se coordinan entre ministerios y cómo se revisan con los interlocutores sociales.', 'El programa aborda las políticas nacionales de migración laboral, la coordinación institucional y el papel de los marcos bilaterales y regionales.'],
  },
  ethical_recruitment: {
    en: ['The sessions follow the ILO General Principles and Operational Guidelines for Fair Recruitment, from the employer-pays principle to the monitoring of recruitment agencies.', 'Participants map recruitment fees and related costs along migration corridors and review licensing and inspection of private recruitment agencies.'],
    fr: ['Les séances s’appuient sur les Principes généraux et directives opérationnelles de l’OIT concernant le recrutement équitable, du principe « l’employeur paie » au contrôle des agences de recrutement.', 'Les participants recensent les commissions de recrutement et frais connexes le long des corridors migratoires et étudient l’agrément et l’inspection des agences privées.'],
    es: ['Las sesiones se basan en los Principios generales y directrices prácticas de la OIT para una contratación equitativa, desde el principio de que paga el empleador hasta la supervisión de las agencias de empleo.', 'Se analizan las comisiones de contratación y gastos conexos a lo largo de los corredores migratorios, así como la habilitación e inspección de las agencias privadas.'],
  },
  international_labour_standards: {
    en: ['The course covers Conventions No. 97 and No. 143 on migrant workers, No. 181 on private employment agencies and No. 189 on domestic workers, and how supervisory bodies apply them.', 'Participants practise using international labour standards and the comments of the ILO supervisory bodies when drafting or reviewing national law.'],
    fr: ['Le cours porte sur les conventions nos 97 et 143 sur les travailleurs migrants, no 181 sur les agences d’emploi privées et no 189 sur les travailleuses et travailleurs domestiques, et sur leur application par les organes de contrôle.', 'Les participants s’exercent à utiliser les normes internationales du travail et les commentaires des organes de contrôle de l’OIT pour rédiger ou réviser la législation nationale.'],
    es: ['El curso trata los Convenios núms. 97 y 143 sobre los trabajadores migrantes, el núm. 181 sobre las agencias de empleo privadas y el núm. 189 sobre las trabajadoras y los trabajadores domésticos, y su aplicación por los órganos de control.', 'Se practica el uso de las normas internacionales del trabajo y de los comentarios de los órganos de control de la OIT al redactar o revisar la legislación nacional.'],
  },
  social_protection: {
    en: ['The training looks at access to social security for migrant workers, portability of benefits and the design of bilateral social security agreements.', 'Participants compare migrant welfare funds, social insurance coverage and unilateral measures that extend protection to workers abroad and their families.'],
    fr: ['La formation traite de l’accès des travailleurs migrants à la sécurité sociale, de la portabilité des droits et de la conception des accords bilatéraux de sécurité sociale.', 'Les participants comparent les fonds de protection des migrants, la couverture de l’assurance sociale et les mesures unilatérales qui étendent la protection aux travailleurs à l’étranger et à leur famille.'],
    es: ['La formación aborda el acceso de los trabajadores migrantes a la seguridad social, la portabilidad de las prestaciones y el diseño de convenios bilaterales de seguridad social.', 'Se comparan los fondos de bienestar para migrantes, la cobertura del seguro social y las medidas unilaterales que extienden la protección a quienes trabajan en el extranjero y a sus familias.'],
  },
  skills_mobility: {
    en: ['The focus is on recognising the skills and qualifications of migrant workers, skills partnerships between countries of origin and destination, and the recognition of prior learning.', 'Participants review qualification frameworks, skills testing and certification so that migrant workers are employed at the level of their skills.'],
    fr: ['L’accent est mis sur la reconnaissance des compétences et des qualifications des travailleurs migrants, les partenariats de compétences entre pays d’origine et de destination et la validation des acquis.', 'Les participants étudient les cadres de certification, l’évaluation et la certification des compétences afin que les travailleurs migrants soient employés à la hauteur de leurs qualifications.'],
    es: ['Se centra en el reconocimiento de las competencias y cualificaciones de los trabajadores migrantes, las alianzas de competencias entre países de origen y destino y el reconocimiento del aprendizaje previo.', 'Se revisan los marcos de cualificaciones, la evaluación y la certificación de competencias para que las personas migrantes trabajen según su nivel de cualificación.'],
  },
  labour_migration_statistics: {
    en: ['Participants work with the ICLS guidelines on statistics of international labour migration, labour force survey modules and administrative records.', 'The course shows how to measure stocks and flows of migrant workers, recruitment costs (SDG indicator 10.7.1) and how to publish comparable figures.'],
    fr: ['Les participants utilisent les directives de la CIST sur les statistiques des migrations internationales de main-d’œuvre, les modules d’enquête sur la population active et les registres administratifs.', 'Le cours montre comment mesurer les stocks et les flux de travailleurs migrants, les coûts de recrutement (indicateur 10.7.1 des ODD) et publier des chiffres comparables.'],
    es: ['Se trabaja con las directrices de la CIET sobre estadísticas de migración laboral internacional, los módulos de las encuestas de fuerza de trabajo y los registros administrativos.', 'El curso enseña a medir los stocks y flujos de trabajadores migrantes, los costos de contratación (indicador 10.7.1 de los ODS) y a publicar cifras comparables.'],
  },
  gender_and_migration: {
    en: ['The sessions analyse how labour migration differs for women and men, with attention to domestic and care work, occupational segregation and gender-based violence and harassment.', 'Participants apply a gender lens to migration policy, using Convention No. 190 and gender-responsive recruitment and protection measures.'],
    fr: ['Les séances analysent les différences entre femmes et hommes dans la migration de main-d’œuvre, notamment dans le travail domestique et de soins, la ségrégation professionnelle et la violence et le harcèlement fondés sur le genre.', 'Les participants appliquent une perspective de genre aux politiques migratoires, en s’appuyant sur la convention no 190 et sur des mesures de recrutement et de protection sensibles au genre.'],
    es: ['Las sesiones analizan cómo difiere la migración laboral entre mujeres y hombres, con atención al trabajo doméstico y de cuidados, la segregación ocupacional y la violencia y el acoso por razón de género.', 'Se aplica una perspectiva de género a las políticas migratorias, con el Convenio núm. 190 y medidas de contratación y protección sensibles al género.'],
  },
  return_reintegration: {
    en: ['The programme covers the sustainable return and reintegration of migrant workers: job placement, recognition of skills acquired abroad and access to services.', 'Participants design reintegration services that link returning workers with employment services, enterprise development and social protection.'],
    fr: ['Le programme traite du retour et de la réintégration durables des travailleurs migrants : placement, reconnaissance des compétences acquises à l’étranger et accès aux services.', 'Les participants conçoivent des services de réintégration qui relient les travailleurs de retour aux services de l’emploi, à la création d’entreprise et à la protection sociale.'],
    es: ['El programa aborda el retorno y la reintegración sostenibles de los trabajadores migrantes: colocación, reconocimiento de las competencias adquiridas en el extranjero y acceso a servicios.', 'Se diseñan servicios de reintegración que vinculan a quienes regresan con los servicios de empleo, el desarrollo empresarial y la protección social.'],
  },
  diaspora_engagement: {
    en: ['The course looks at how diaspora communities contribute to development through skills transfer, investment and remittances, and how institutions can engage them.', 'Participants review diaspora mapping, consular services and programmes that channel remittances and skills into decent work at home.'],
    fr: ['Le cours examine la contribution des diasporas au développement par le transfert de compétences, l’investissement et les envois de fonds, et la manière dont les institutions peuvent les mobiliser.', 'Les participants étudient la cartographie des diasporas, les services consulaires et les programmes qui orientent envois de fonds et compétences vers le travail décent dans le pays d’origine.'],
    es: ['El curso analiza cómo las diásporas contribuyen al desarrollo mediante la transferencia de competencias, la inversión y las remesas, y cómo pueden las instituciones involucrarlas.', 'Se revisan el mapeo de la diáspora, los servicios consulares y los programas que canalizan remesas y competencias hacia el trabajo decente en el país de origen.'],
  },
  forced_labour_trafficking: {
    en: ['Participants learn to identify the ILO indicators of forced labour among migrant workers and to coordinate labour inspection, law enforcement and victim support.', 'The training covers the 2014 Protocol to the Forced Labour Convention, due diligence in supply chains and referral of trafficked workers to services.'],
    fr: ['Les participants apprennent à repérer les indicateurs de travail forcé de l’OIT chez les travailleurs migrants et à coordonner inspection du travail, forces de l’ordre et assistance aux victimes.', 'La formation porte sur le Protocole de 2014 relatif à la convention sur le travail forcé, le devoir de diligence dans les chaînes d’approvisionnement et l’orientation des travailleurs victimes de traite.'],
    es: ['Se aprende a detectar los indicadores de trabajo forzoso de la OIT entre los trabajadores migrantes y a coordinar la inspección del trabajo, las fuerzas del orden y la asistencia a las víctimas.', 'La formación trata el Protocolo de 2014 relativo al Convenio sobre el trabajo forzoso, la debida diligencia en las cadenas de suministro y la derivación de las víctimas de trata a los servicios.'],
  },
  social_dialogue: {
    en: ['The sessions show how governments, workers’ and employers’ organisations shape labour migration policy together, from national tripartite committees to bilateral agreements.', 'Participants practise tripartite negotiation on labour migration issues and review how trade unions organise and protect migrant workers.'],
    fr: ['Les séances montrent comment gouvernements, organisations de travailleurs et d’employeurs élaborent ensemble les politiques de migration de main-d’œuvre, des comités tripartites nationaux aux accords bilatéraux.', 'Les participants s’exercent à la négociation tripartite sur les questions migratoires et étudient la manière dont les syndicats organisent et protègent les travailleurs migrants.'],
    es: ['Las sesiones muestran cómo los gobiernos y las organizaciones de trabajadores y de empleadores definen juntos las políticas de migración laboral, desde los comités tripartitos nacionales hasta los acuerdos bilaterales.', 'Se practica la negociación tripartita sobre migración laboral y se analiza cómo los sindicatos organizan y protegen a los trabajadores migrantes.'],
  },
};

const format: Record<Modality, Record<DemoLang, string>> = {
  face_to_face: { en: 'It combines short presentations, case studies from several migration corridors and group work.', fr: 'Elle associe de courts exposés, des études de cas de plusieurs corridors migratoires et des travaux de groupe.', es: 'Combina breves exposiciones, estudios de caso de varios corredores migratorios y trabajo en grupo.' },
  online_tutored: { en: 'It runs online over several weeks, with weekly readings, forum discussions and a tutor who reviews each assignment.', fr: 'Elle se déroule en ligne sur plusieurs semaines, avec des lectures hebdomadaires, des forums et un tuteur qui corrige chaque travail.', es: 'Se imparte en línea durante varias semanas, con lecturas semanales, foros de debate y una tutora o tutor que revisa cada tarea.' },
  online_self_paced: { en: 'The self-paced modules can be followed at any time and end with a short knowledge test.', fr: 'Les modules en autoformation peuvent être suivis à tout moment et se terminent par un court test de connaissances.', es: 'Los módulos de autoaprendizaje pueden seguirse en cualquier momento y terminan con una breve prueba de conocimientos.' },
  blended: { en: 'An online preparatory phase is followed by a week of face-to-face sessions and a practical assignment back at work.', fr: 'Une phase préparatoire en ligne est suivie d’une semaine en présentiel et d’un travail pratique de retour au poste.', es: 'Una fase preparatoria en línea va seguida de una semana presencial y de un trabajo práctico en el lugar de trabajo.' },
  webinar: { en: 'The webinar brings together practitioners from several regions for presentations and questions from participants.', fr: 'Le webinaire réunit des praticiens de plusieurs régions pour des exposés et des questions des participants.', es: 'El seminario web reúne a profesionales de varias regiones para exposiciones y preguntas del público.' },
};

const audience: Record<DemoLang, string> = {
  en: 'It is designed for {groups}.',
  fr: 'Elle s’adresse aux publics suivants : {groups}.',
  es: 'Está dirigida a: {groups}.',
};

const groupNames: Record<string, Record<DemoLang, string>> = {
  'labour ministries': { en: 'officials of labour ministries', fr: 'agents des ministères du travail', es: 'personal de los ministerios de trabajo' },
  'workers organisations': { en: 'workers’ organisations', fr: 'organisations de travailleurs', es: 'organizaciones de trabajadores' },
  'employers organisations': { en: 'employers’ organisations', fr: 'organisations d’employeurs', es: 'organizaciones de empleadores' },
  'recruitment agencies': { en: 'recruitment agencies', fr: 'agences de recrutement', es: 'agencias de contratación' },
  'labour inspectors': { en: 'labour inspectors', fr: 'inspecteurs du travail', es: 'inspectores del trabajo' },
  statisticians: { en: 'statisticians', fr: 'statisticiens', es: 'estadísticos' },
  'consular staff': { en: 'consular staff', fr: 'personnel consulaire', es: 'personal consular' },
};

const outcome: Texts = {
  en: ['By the end, each participant drafts an action plan for their own institution.', 'Participants leave with practical tools and a network of peers from other countries.', 'Each participant presents a short proposal to improve a policy or service at home.'],
  fr: ['À la fin, chaque participant rédige un plan d’action pour son institution.', 'Les participants repartent avec des outils pratiques et un réseau de pairs d’autres pays.', 'Chaque participant présente une courte proposition pour améliorer une politique ou un service dans son pays.'],
  es: ['Al final, cada participante redacta un plan de acción para su institución.', 'Las y los participantes se llevan herramientas prácticas y una red de colegas de otros países.', 'Cada participante presenta una breve propuesta para mejorar una política o un servicio en su país.'],
};

const replication: Texts = {
  en: ['Can be replicated at national level with a local partner institution; the case studies need adapting to the corridor.', 'Materials are available for a national edition; allow two months to recruit resource persons.', 'Worked well with mixed tripartite groups; keep group size under 30 for the exercises.'],
  fr: ['Reproductible au niveau national avec une institution partenaire ; les études de cas sont à adapter au corridor.', 'Les supports permettent une édition nationale ; prévoir deux mois pour mobiliser les personnes-ressources.', 'A bien fonctionné avec des groupes tripartites ; garder moins de 30 participants pour les exercices.'],
  es: ['Puede replicarse a nivel nacional con una institución asociada; hay que adaptar los estudios de caso al corredor.', 'Los materiales permiten una edición nacional; prever dos meses para convocar a las personas recurso.', 'Funcionó bien con grupos tripartitos; mantener menos de 30 participantes para los ejercicios.'],
};

const pick = <T,>(list: readonly T[], index: number): T => list[index % list.length]!;

/** A description of an activity on a theme, in one language. */
export function activityDescription(theme: string, lang: DemoLang, modality: Modality, targetGroups: string[], index: number): string {
  const groups = targetGroups.map((group) => groupNames[group]?.[lang] ?? group).join(', ');
  return [
    pick(focus[theme]?.[lang] ?? focus.labour_migration_governance![lang], index),
    format[modality][lang],
    audience[lang].replace('{groups}', groups),
    pick(outcome[lang], index),
  ].join(' ');
}

/** Notes on replicating an activity (private). */
export function replicationNote(lang: DemoLang, index: number): string {
  return pick(replication[lang], index);
}

/** A description of a learning resource on a theme. */
export function resourceDescription(theme: string, lang: DemoLang, index: number): string {
  const intro = { en: 'A practical resource for practitioners.', fr: 'Une ressource pratique pour les praticiens.', es: 'Un recurso práctico para profesionales.' }[lang];
  return `${intro} ${pick(focus[theme]?.[lang] ?? focus.labour_migration_governance![lang], index + 1)}`;
}
