import type { Phase } from '../incident';
import type { ComponentStatus } from './';

/**
 * The status page's own words in every locale Herald ships email in (en, de, fr, es, pt, nl, ja),
 * and the choice of a reader's locale from `?lang=` and Accept-Language. Placeholders are `{name}`.
 */

export interface PageStrings {
  /** The BCP 47 tag for `<html lang>`. */
  lang: string;
  languageName: string;
  title: string;
  skip: string;
  banner: Record<'operational' | ComponentStatus, string>;
  status: Record<ComponentStatus, string>;
  phase: Record<Phase, string>;
  components: string;
  uptimeHeading: string;
  uptimeOver: string;
  dayNoIncidents: string;
  dayIncidents: string;
  ninetyDaysAgo: string;
  today: string;
  activeIncidents: string;
  noActiveIncidents: string;
  maintenance: string;
  noMaintenance: string;
  pastIncidents: string;
  noPastIncidents: string;
  history: string;
  historyOf: string;
  noIncidentsInMonth: string;
  previousMonth: string;
  nextMonth: string;
  affects: string;
  started: string;
  resolvedAt: string;
  backToStatus: string;
  notFoundTitle: string;
  notFoundText: string;
  subscribe: string;
  subscribeEmail: string;
  subscribeComponents: string;
  subscribeAll: string;
  subscribeButton: string;
  subscribeSentTitle: string;
  subscribeSentText: string;
  feeds: string;
  webhooks: string;
  webhooksText: string;
  unsubscribe: string;
  unsubscribeText: string;
  unsubscribeButton: string;
  unsubscribeSentTitle: string;
  unsubscribeSentText: string;
  confirmTitle: string;
  confirmText: string;
  confirmButton: string;
  confirmedTitle: string;
  confirmedText: string;
  confirmEmailSubject: string;
  confirmEmailText: string;
  unsubscribeEmailSubject: string;
  unsubscribeEmailText: string;
  language: string;
  change: string;
  poweredBy: string;
}

const en: PageStrings = {
  lang: 'en', languageName: 'English', title: 'System status', skip: 'Skip to main content',
  banner: { operational: 'All systems operational', degraded_performance: 'Degraded performance', partial_outage: 'Partial outage', major_outage: 'Major outage', under_maintenance: 'Under maintenance' },
  status: { operational: 'Operational', degraded_performance: 'Degraded performance', partial_outage: 'Partial outage', major_outage: 'Major outage', under_maintenance: 'Under maintenance' },
  phase: { investigating: 'Investigating', identified: 'Identified', monitoring: 'Monitoring', resolved: 'Resolved' },
  components: 'Components', uptimeHeading: 'Uptime over the last 90 days', uptimeOver: '{percent}% uptime over 90 days',
  dayNoIncidents: '{date}: {percent}% uptime, no incidents', dayIncidents: '{date}: {percent}% uptime, incidents: {incidents}',
  ninetyDaysAgo: '90 days ago', today: 'Today',
  activeIncidents: 'Active incidents', noActiveIncidents: 'No active incidents.',
  maintenance: 'Scheduled maintenance', noMaintenance: 'No maintenance scheduled.',
  pastIncidents: 'Past incidents', noPastIncidents: 'No incidents in the last 90 days.',
  history: 'Incident history', historyOf: 'Incidents in {month}', noIncidentsInMonth: 'No incidents reported this month.',
  previousMonth: 'Previous month', nextMonth: 'Next month',
  affects: 'Affects', started: 'Started', resolvedAt: 'Resolved', backToStatus: 'Back to the status page',
  notFoundTitle: 'Not found', notFoundText: 'There is no incident with this address. It may have been mistyped.',
  subscribe: 'Subscribe to updates', subscribeEmail: 'Email address', subscribeComponents: 'Components', subscribeAll: 'Leave all unticked to follow every component.',
  subscribeButton: 'Subscribe', subscribeSentTitle: 'Check your inbox',
  subscribeSentText: 'We sent a confirmation link to {email}. Your subscription starts when you open it.',
  feeds: 'Feeds', webhooks: 'Webhooks', webhooksText: 'Customers can receive every update as a signed webhook (Standard Webhooks); ask your account team to register an endpoint.',
  unsubscribe: 'Unsubscribe', unsubscribeText: 'Enter your address and we will email you a link that stops incident emails.', unsubscribeButton: 'Send unsubscribe link',
  unsubscribeSentTitle: 'Check your inbox', unsubscribeSentText: 'If {email} receives our incident emails, a link to stop them is on its way.',
  confirmTitle: 'Confirm your subscription', confirmText: 'Send incident updates to {email}?', confirmButton: 'Confirm subscription',
  confirmedTitle: 'Subscription confirmed', confirmedText: '{email} will receive incident updates for: {components}.',
  confirmEmailSubject: 'Confirm your status page subscription',
  confirmEmailText: 'Someone, hopefully you, asked for incident updates from our status page at this address.\n\nTo confirm, open this link:\n{link}\n\nIf you did not ask for this, ignore this email and nothing will be sent.',
  unsubscribeEmailSubject: 'Stop incident emails',
  unsubscribeEmailText: 'To stop incident emails to this address, open this link and confirm:\n{link}\n\nIf you did not ask for this, ignore this email.',
  language: 'Language', change: 'Change', poweredBy: 'Updates are published by the incident team; times are shown in your time zone when your browser allows.',
};

const de: PageStrings = {
  lang: 'de', languageName: 'Deutsch', title: 'Systemstatus', skip: 'Zum Inhalt springen',
  banner: { operational: 'Alle Systeme funktionieren', degraded_performance: 'Eingeschränkte Leistung', partial_outage: 'Teilweiser Ausfall', major_outage: 'Schwerer Ausfall', under_maintenance: 'Wartungsarbeiten' },
  status: { operational: 'In Betrieb', degraded_performance: 'Eingeschränkte Leistung', partial_outage: 'Teilweiser Ausfall', major_outage: 'Schwerer Ausfall', under_maintenance: 'Wartung' },
  phase: { investigating: 'Untersuchung', identified: 'Ursache erkannt', monitoring: 'Beobachtung', resolved: 'Behoben' },
  components: 'Komponenten', uptimeHeading: 'Verfügbarkeit der letzten 90 Tage', uptimeOver: '{percent} % Verfügbarkeit in 90 Tagen',
  dayNoIncidents: '{date}: {percent} % Verfügbarkeit, keine Störungen', dayIncidents: '{date}: {percent} % Verfügbarkeit, Störungen: {incidents}',
  ninetyDaysAgo: 'vor 90 Tagen', today: 'Heute',
  activeIncidents: 'Aktuelle Störungen', noActiveIncidents: 'Keine aktuellen Störungen.',
  maintenance: 'Geplante Wartung', noMaintenance: 'Keine Wartung geplant.',
  pastIncidents: 'Frühere Störungen', noPastIncidents: 'Keine Störungen in den letzten 90 Tagen.',
  history: 'Störungsverlauf', historyOf: 'Störungen im {month}', noIncidentsInMonth: 'In diesem Monat wurden keine Störungen gemeldet.',
  previousMonth: 'Vorheriger Monat', nextMonth: 'Nächster Monat',
  affects: 'Betrifft', started: 'Begonnen', resolvedAt: 'Behoben', backToStatus: 'Zurück zur Statusseite',
  notFoundTitle: 'Nicht gefunden', notFoundText: 'Unter dieser Adresse gibt es keine Störung. Vielleicht ist sie falsch geschrieben.',
  subscribe: 'Updates abonnieren', subscribeEmail: 'E-Mail-Adresse', subscribeComponents: 'Komponenten', subscribeAll: 'Nichts ankreuzen, um allen Komponenten zu folgen.',
  subscribeButton: 'Abonnieren', subscribeSentTitle: 'Bitte Posteingang prüfen',
  subscribeSentText: 'Wir haben einen Bestätigungslink an {email} gesendet. Das Abonnement beginnt, sobald Sie ihn öffnen.',
  feeds: 'Feeds', webhooks: 'Webhooks', webhooksText: 'Kunden können jedes Update als signierten Webhook (Standard Webhooks) erhalten; Ihr Account-Team richtet einen Endpunkt ein.',
  unsubscribe: 'Abmelden', unsubscribeText: 'Geben Sie Ihre Adresse ein, und wir senden Ihnen einen Link, der die Störungs-E-Mails beendet.', unsubscribeButton: 'Abmeldelink senden',
  unsubscribeSentTitle: 'Bitte Posteingang prüfen', unsubscribeSentText: 'Wenn {email} unsere Störungs-E-Mails erhält, ist ein Link zum Abmelden unterwegs.',
  confirmTitle: 'Abonnement bestätigen', confirmText: 'Störungs-Updates an {email} senden?', confirmButton: 'Abonnement bestätigen',
  confirmedTitle: 'Abonnement bestätigt', confirmedText: '{email} erhält Störungs-Updates für: {components}.',
  confirmEmailSubject: 'Bestätigen Sie Ihr Statusseiten-Abonnement',
  confirmEmailText: 'Jemand, hoffentlich Sie, hat für diese Adresse Störungs-Updates unserer Statusseite angefordert.\n\nZum Bestätigen öffnen Sie diesen Link:\n{link}\n\nWenn Sie das nicht waren, ignorieren Sie diese E-Mail; wir senden nichts.',
  unsubscribeEmailSubject: 'Störungs-E-Mails beenden',
  unsubscribeEmailText: 'Um Störungs-E-Mails an diese Adresse zu beenden, öffnen Sie diesen Link und bestätigen Sie:\n{link}\n\nWenn Sie das nicht waren, ignorieren Sie diese E-Mail.',
  language: 'Sprache', change: 'Wechseln', poweredBy: 'Updates veröffentlicht das Störungsteam; Zeiten erscheinen in Ihrer Zeitzone, wenn Ihr Browser es erlaubt.',
};

const fr: PageStrings = {
  lang: 'fr', languageName: 'Français', title: 'État des services', skip: 'Aller au contenu',
  banner: { operational: 'Tous les systèmes fonctionnent', degraded_performance: 'Performances dégradées', partial_outage: 'Panne partielle', major_outage: 'Panne majeure', under_maintenance: 'Maintenance en cours' },
  status: { operational: 'Opérationnel', degraded_performance: 'Performances dégradées', partial_outage: 'Panne partielle', major_outage: 'Panne majeure', under_maintenance: 'En maintenance' },
  phase: { investigating: 'Analyse en cours', identified: 'Cause identifiée', monitoring: 'Surveillance', resolved: 'Résolu' },
  components: 'Composants', uptimeHeading: 'Disponibilité sur les 90 derniers jours', uptimeOver: '{percent} % de disponibilité sur 90 jours',
  dayNoIncidents: '{date} : {percent} % de disponibilité, aucun incident', dayIncidents: '{date} : {percent} % de disponibilité, incidents : {incidents}',
  ninetyDaysAgo: 'il y a 90 jours', today: 'Aujourd’hui',
  activeIncidents: 'Incidents en cours', noActiveIncidents: 'Aucun incident en cours.',
  maintenance: 'Maintenance planifiée', noMaintenance: 'Aucune maintenance planifiée.',
  pastIncidents: 'Incidents passés', noPastIncidents: 'Aucun incident au cours des 90 derniers jours.',
  history: 'Historique des incidents', historyOf: 'Incidents de {month}', noIncidentsInMonth: 'Aucun incident signalé ce mois-ci.',
  previousMonth: 'Mois précédent', nextMonth: 'Mois suivant',
  affects: 'Concerne', started: 'Début', resolvedAt: 'Résolu', backToStatus: 'Retour à la page d’état',
  notFoundTitle: 'Introuvable', notFoundText: 'Aucun incident ne correspond à cette adresse. Elle est peut-être mal saisie.',
  subscribe: 'S’abonner aux mises à jour', subscribeEmail: 'Adresse e-mail', subscribeComponents: 'Composants', subscribeAll: 'Ne cochez rien pour suivre tous les composants.',
  subscribeButton: 'S’abonner', subscribeSentTitle: 'Consultez votre boîte de réception',
  subscribeSentText: 'Nous avons envoyé un lien de confirmation à {email}. L’abonnement commence quand vous l’ouvrez.',
  feeds: 'Flux', webhooks: 'Webhooks', webhooksText: 'Les clients peuvent recevoir chaque mise à jour en webhook signé (Standard Webhooks) ; votre équipe de compte enregistre le point de terminaison.',
  unsubscribe: 'Se désabonner', unsubscribeText: 'Saisissez votre adresse et nous vous enverrons un lien qui arrête les e-mails d’incident.', unsubscribeButton: 'Envoyer le lien de désabonnement',
  unsubscribeSentTitle: 'Consultez votre boîte de réception', unsubscribeSentText: 'Si {email} reçoit nos e-mails d’incident, un lien pour les arrêter est en route.',
  confirmTitle: 'Confirmez votre abonnement', confirmText: 'Envoyer les mises à jour d’incident à {email} ?', confirmButton: 'Confirmer l’abonnement',
  confirmedTitle: 'Abonnement confirmé', confirmedText: '{email} recevra les mises à jour d’incident pour : {components}.',
  confirmEmailSubject: 'Confirmez votre abonnement à la page d’état',
  confirmEmailText: 'Quelqu’un, vous sans doute, a demandé les mises à jour d’incident de notre page d’état à cette adresse.\n\nPour confirmer, ouvrez ce lien :\n{link}\n\nSi ce n’est pas vous, ignorez cet e-mail : rien ne sera envoyé.',
  unsubscribeEmailSubject: 'Arrêter les e-mails d’incident',
  unsubscribeEmailText: 'Pour arrêter les e-mails d’incident à cette adresse, ouvrez ce lien et confirmez :\n{link}\n\nSi ce n’est pas vous, ignorez cet e-mail.',
  language: 'Langue', change: 'Changer', poweredBy: 'Les mises à jour sont publiées par l’équipe incident ; les heures s’affichent dans votre fuseau si votre navigateur le permet.',
};

const es: PageStrings = {
  lang: 'es', languageName: 'Español', title: 'Estado del sistema', skip: 'Saltar al contenido',
  banner: { operational: 'Todos los sistemas operativos', degraded_performance: 'Rendimiento degradado', partial_outage: 'Interrupción parcial', major_outage: 'Interrupción grave', under_maintenance: 'En mantenimiento' },
  status: { operational: 'Operativo', degraded_performance: 'Rendimiento degradado', partial_outage: 'Interrupción parcial', major_outage: 'Interrupción grave', under_maintenance: 'En mantenimiento' },
  phase: { investigating: 'Investigando', identified: 'Identificado', monitoring: 'Supervisando', resolved: 'Resuelto' },
  components: 'Componentes', uptimeHeading: 'Disponibilidad en los últimos 90 días', uptimeOver: '{percent} % de disponibilidad en 90 días',
  dayNoIncidents: '{date}: {percent} % de disponibilidad, sin incidentes', dayIncidents: '{date}: {percent} % de disponibilidad, incidentes: {incidents}',
  ninetyDaysAgo: 'hace 90 días', today: 'Hoy',
  activeIncidents: 'Incidentes activos', noActiveIncidents: 'No hay incidentes activos.',
  maintenance: 'Mantenimiento programado', noMaintenance: 'No hay mantenimiento programado.',
  pastIncidents: 'Incidentes anteriores', noPastIncidents: 'Sin incidentes en los últimos 90 días.',
  history: 'Historial de incidentes', historyOf: 'Incidentes de {month}', noIncidentsInMonth: 'No se informaron incidentes este mes.',
  previousMonth: 'Mes anterior', nextMonth: 'Mes siguiente',
  affects: 'Afecta a', started: 'Inicio', resolvedAt: 'Resuelto', backToStatus: 'Volver a la página de estado',
  notFoundTitle: 'No encontrado', notFoundText: 'No hay ningún incidente con esta dirección. Puede que esté mal escrita.',
  subscribe: 'Suscribirse a las actualizaciones', subscribeEmail: 'Correo electrónico', subscribeComponents: 'Componentes', subscribeAll: 'No marque ninguno para seguir todos los componentes.',
  subscribeButton: 'Suscribirse', subscribeSentTitle: 'Revise su bandeja de entrada',
  subscribeSentText: 'Enviamos un enlace de confirmación a {email}. La suscripción empieza cuando lo abra.',
  feeds: 'Canales', webhooks: 'Webhooks', webhooksText: 'Los clientes pueden recibir cada actualización como webhook firmado (Standard Webhooks); su equipo de cuenta registra el endpoint.',
  unsubscribe: 'Cancelar la suscripción', unsubscribeText: 'Escriba su dirección y le enviaremos un enlace que detiene los correos de incidentes.', unsubscribeButton: 'Enviar enlace de baja',
  unsubscribeSentTitle: 'Revise su bandeja de entrada', unsubscribeSentText: 'Si {email} recibe nuestros correos de incidentes, va en camino un enlace para detenerlos.',
  confirmTitle: 'Confirme su suscripción', confirmText: '¿Enviar actualizaciones de incidentes a {email}?', confirmButton: 'Confirmar suscripción',
  confirmedTitle: 'Suscripción confirmada', confirmedText: '{email} recibirá actualizaciones de incidentes de: {components}.',
  confirmEmailSubject: 'Confirme su suscripción a la página de estado',
  confirmEmailText: 'Alguien, esperamos que usted, pidió actualizaciones de incidentes de nuestra página de estado para esta dirección.\n\nPara confirmar, abra este enlace:\n{link}\n\nSi no fue usted, ignore este correo y no enviaremos nada.',
  unsubscribeEmailSubject: 'Dejar de recibir correos de incidentes',
  unsubscribeEmailText: 'Para dejar de recibir correos de incidentes en esta dirección, abra este enlace y confirme:\n{link}\n\nSi no fue usted, ignore este correo.',
  language: 'Idioma', change: 'Cambiar', poweredBy: 'El equipo de incidentes publica las actualizaciones; las horas se muestran en su zona horaria si su navegador lo permite.',
};

const pt: PageStrings = {
  lang: 'pt-BR', languageName: 'Português', title: 'Status do sistema', skip: 'Pular para o conteúdo',
  banner: { operational: 'Todos os sistemas operacionais', degraded_performance: 'Desempenho degradado', partial_outage: 'Interrupção parcial', major_outage: 'Interrupção grave', under_maintenance: 'Em manutenção' },
  status: { operational: 'Operacional', degraded_performance: 'Desempenho degradado', partial_outage: 'Interrupção parcial', major_outage: 'Interrupção grave', under_maintenance: 'Em manutenção' },
  phase: { investigating: 'Investigando', identified: 'Identificado', monitoring: 'Monitorando', resolved: 'Resolvido' },
  components: 'Componentes', uptimeHeading: 'Disponibilidade nos últimos 90 dias', uptimeOver: '{percent}% de disponibilidade em 90 dias',
  dayNoIncidents: '{date}: {percent}% de disponibilidade, sem incidentes', dayIncidents: '{date}: {percent}% de disponibilidade, incidentes: {incidents}',
  ninetyDaysAgo: 'há 90 dias', today: 'Hoje',
  activeIncidents: 'Incidentes ativos', noActiveIncidents: 'Nenhum incidente ativo.',
  maintenance: 'Manutenção programada', noMaintenance: 'Nenhuma manutenção programada.',
  pastIncidents: 'Incidentes anteriores', noPastIncidents: 'Nenhum incidente nos últimos 90 dias.',
  history: 'Histórico de incidentes', historyOf: 'Incidentes em {month}', noIncidentsInMonth: 'Nenhum incidente relatado neste mês.',
  previousMonth: 'Mês anterior', nextMonth: 'Próximo mês',
  affects: 'Afeta', started: 'Início', resolvedAt: 'Resolvido', backToStatus: 'Voltar à página de status',
  notFoundTitle: 'Não encontrado', notFoundText: 'Não há incidente neste endereço. Talvez tenha sido digitado errado.',
  subscribe: 'Assinar atualizações', subscribeEmail: 'Endereço de e-mail', subscribeComponents: 'Componentes', subscribeAll: 'Não marque nenhum para acompanhar todos os componentes.',
  subscribeButton: 'Assinar', subscribeSentTitle: 'Verifique sua caixa de entrada',
  subscribeSentText: 'Enviamos um link de confirmação para {email}. A assinatura começa quando você o abrir.',
  feeds: 'Feeds', webhooks: 'Webhooks', webhooksText: 'Clientes podem receber cada atualização como webhook assinado (Standard Webhooks); sua equipe de conta registra o endpoint.',
  unsubscribe: 'Cancelar inscrição', unsubscribeText: 'Informe seu endereço e enviaremos um link que interrompe os e-mails de incidentes.', unsubscribeButton: 'Enviar link de cancelamento',
  unsubscribeSentTitle: 'Verifique sua caixa de entrada', unsubscribeSentText: 'Se {email} recebe nossos e-mails de incidentes, um link para interrompê-los está a caminho.',
  confirmTitle: 'Confirme sua assinatura', confirmText: 'Enviar atualizações de incidentes para {email}?', confirmButton: 'Confirmar assinatura',
  confirmedTitle: 'Assinatura confirmada', confirmedText: '{email} receberá atualizações de incidentes de: {components}.',
  confirmEmailSubject: 'Confirme sua assinatura da página de status',
  confirmEmailText: 'Alguém, provavelmente você, pediu atualizações de incidentes da nossa página de status para este endereço.\n\nPara confirmar, abra este link:\n{link}\n\nSe não foi você, ignore este e-mail e nada será enviado.',
  unsubscribeEmailSubject: 'Parar e-mails de incidentes',
  unsubscribeEmailText: 'Para parar os e-mails de incidentes neste endereço, abra este link e confirme:\n{link}\n\nSe não foi você, ignore este e-mail.',
  language: 'Idioma', change: 'Mudar', poweredBy: 'A equipe de incidentes publica as atualizações; os horários aparecem no seu fuso quando o navegador permite.',
};

const nl: PageStrings = {
  lang: 'nl', languageName: 'Nederlands', title: 'Systeemstatus', skip: 'Naar de inhoud',
  banner: { operational: 'Alle systemen werken', degraded_performance: 'Verminderde prestaties', partial_outage: 'Gedeeltelijke storing', major_outage: 'Grote storing', under_maintenance: 'Onderhoud' },
  status: { operational: 'Werkt', degraded_performance: 'Verminderde prestaties', partial_outage: 'Gedeeltelijke storing', major_outage: 'Grote storing', under_maintenance: 'Onderhoud' },
  phase: { investigating: 'Onderzoek', identified: 'Oorzaak gevonden', monitoring: 'Bewaking', resolved: 'Opgelost' },
  components: 'Onderdelen', uptimeHeading: 'Beschikbaarheid in de laatste 90 dagen', uptimeOver: '{percent}% beschikbaar in 90 dagen',
  dayNoIncidents: '{date}: {percent}% beschikbaar, geen storingen', dayIncidents: '{date}: {percent}% beschikbaar, storingen: {incidents}',
  ninetyDaysAgo: '90 dagen geleden', today: 'Vandaag',
  activeIncidents: 'Actuele storingen', noActiveIncidents: 'Geen actuele storingen.',
  maintenance: 'Gepland onderhoud', noMaintenance: 'Geen onderhoud gepland.',
  pastIncidents: 'Eerdere storingen', noPastIncidents: 'Geen storingen in de laatste 90 dagen.',
  history: 'Storingsgeschiedenis', historyOf: 'Storingen in {month}', noIncidentsInMonth: 'Deze maand zijn geen storingen gemeld.',
  previousMonth: 'Vorige maand', nextMonth: 'Volgende maand',
  affects: 'Betreft', started: 'Begonnen', resolvedAt: 'Opgelost', backToStatus: 'Terug naar de statuspagina',
  notFoundTitle: 'Niet gevonden', notFoundText: 'Op dit adres staat geen storing. Misschien is het verkeerd getypt.',
  subscribe: 'Abonneren op updates', subscribeEmail: 'E-mailadres', subscribeComponents: 'Onderdelen', subscribeAll: 'Vink niets aan om alle onderdelen te volgen.',
  subscribeButton: 'Abonneren', subscribeSentTitle: 'Kijk in uw inbox',
  subscribeSentText: 'We hebben een bevestigingslink naar {email} gestuurd. Het abonnement begint zodra u die opent.',
  feeds: 'Feeds', webhooks: 'Webhooks', webhooksText: 'Klanten kunnen elke update als ondertekende webhook (Standard Webhooks) ontvangen; uw accountteam registreert het endpoint.',
  unsubscribe: 'Afmelden', unsubscribeText: 'Vul uw adres in en we mailen u een link die de storingsmails stopt.', unsubscribeButton: 'Afmeldlink sturen',
  unsubscribeSentTitle: 'Kijk in uw inbox', unsubscribeSentText: 'Als {email} onze storingsmails ontvangt, is een link om ze te stoppen onderweg.',
  confirmTitle: 'Bevestig uw abonnement', confirmText: 'Storingsupdates naar {email} sturen?', confirmButton: 'Abonnement bevestigen',
  confirmedTitle: 'Abonnement bevestigd', confirmedText: '{email} ontvangt storingsupdates voor: {components}.',
  confirmEmailSubject: 'Bevestig uw abonnement op de statuspagina',
  confirmEmailText: 'Iemand, hopelijk u, heeft voor dit adres storingsupdates van onze statuspagina aangevraagd.\n\nOpen deze link om te bevestigen:\n{link}\n\nWas u het niet, negeer dan deze e-mail; we sturen niets.',
  unsubscribeEmailSubject: 'Storingsmails stoppen',
  unsubscribeEmailText: 'Open deze link en bevestig om storingsmails naar dit adres te stoppen:\n{link}\n\nWas u het niet, negeer dan deze e-mail.',
  language: 'Taal', change: 'Wijzigen', poweredBy: 'Het storingsteam publiceert de updates; tijden staan in uw tijdzone als uw browser dat toestaat.',
};

const ja: PageStrings = {
  lang: 'ja', languageName: '日本語', title: 'システムステータス', skip: '本文へスキップ',
  banner: { operational: 'すべてのシステムが正常に稼働しています', degraded_performance: 'パフォーマンス低下', partial_outage: '一部障害', major_outage: '重大な障害', under_maintenance: 'メンテナンス中' },
  status: { operational: '正常', degraded_performance: 'パフォーマンス低下', partial_outage: '一部障害', major_outage: '重大な障害', under_maintenance: 'メンテナンス中' },
  phase: { investigating: '調査中', identified: '原因特定', monitoring: '経過観察', resolved: '解決済み' },
  components: 'コンポーネント', uptimeHeading: '過去90日間の稼働率', uptimeOver: '90日間の稼働率 {percent}%',
  dayNoIncidents: '{date}: 稼働率 {percent}%、障害なし', dayIncidents: '{date}: 稼働率 {percent}%、障害: {incidents}',
  ninetyDaysAgo: '90日前', today: '今日',
  activeIncidents: '発生中の障害', noActiveIncidents: '発生中の障害はありません。',
  maintenance: '予定メンテナンス', noMaintenance: '予定されているメンテナンスはありません。',
  pastIncidents: '過去の障害', noPastIncidents: '過去90日間に障害はありません。',
  history: '障害履歴', historyOf: '{month}の障害', noIncidentsInMonth: 'この月に報告された障害はありません。',
  previousMonth: '前の月', nextMonth: '次の月',
  affects: '影響範囲', started: '開始', resolvedAt: '解決', backToStatus: 'ステータスページに戻る',
  notFoundTitle: '見つかりません', notFoundText: 'このアドレスの障害はありません。入力を確認してください。',
  subscribe: '更新を購読', subscribeEmail: 'メールアドレス', subscribeComponents: 'コンポーネント', subscribeAll: 'すべてのコンポーネントを購読する場合は何も選択しないでください。',
  subscribeButton: '購読する', subscribeSentTitle: '受信トレイをご確認ください',
  subscribeSentText: '{email} に確認リンクを送信しました。リンクを開くと購読が始まります。',
  feeds: 'フィード', webhooks: 'Webhook', webhooksText: 'お客様は各更新を署名付き Webhook（Standard Webhooks）で受け取れます。エンドポイントの登録はアカウント担当にご依頼ください。',
  unsubscribe: '配信停止', unsubscribeText: 'アドレスを入力すると、障害メールを停止するリンクをお送りします。', unsubscribeButton: '配信停止リンクを送信',
  unsubscribeSentTitle: '受信トレイをご確認ください', unsubscribeSentText: '{email} が障害メールを受信している場合、停止用のリンクをお送りしました。',
  confirmTitle: '購読の確認', confirmText: '{email} に障害の更新を送信しますか？', confirmButton: '購読を確定',
  confirmedTitle: '購読が確定しました', confirmedText: '{email} に次の障害の更新をお送りします: {components}。',
  confirmEmailSubject: 'ステータスページの購読を確認してください',
  confirmEmailText: 'このアドレスでステータスページの障害更新の購読が申し込まれました。\n\n確認するには次のリンクを開いてください:\n{link}\n\n心当たりがない場合はこのメールを無視してください。何も送信されません。',
  unsubscribeEmailSubject: '障害メールの停止',
  unsubscribeEmailText: 'このアドレスへの障害メールを停止するには、次のリンクを開いて確定してください:\n{link}\n\n心当たりがない場合はこのメールを無視してください。',
  language: '言語', change: '変更', poweredBy: '更新は障害対応チームが公開します。ブラウザが許可する場合、時刻はお使いのタイムゾーンで表示されます。',
};

const strings: Record<string, PageStrings> = { en, de, fr, es, pt, nl, ja };

/** The page locales, by language, in the order the switcher lists them. */
export const pageLocales = Object.keys(strings);

const language = (tag: string) => tag.trim().toLowerCase().split(/[-_]/)[0];

/** A supported language of a tag (`pt-BR` → `pt`), or undefined. */
export function pageLocaleOf(tag: string | undefined): string | undefined {
  const l = tag ? language(tag) : undefined;
  return l && strings[l] ? l : undefined;
}

/**
 * The reader's locale: `?lang=` when Herald ships it, else the best of Accept-Language (by q,
 * then order), else English.
 */
export function negotiatePageLocale(lang: string | undefined, acceptLanguage: string | undefined): string {
  const asked = pageLocaleOf(lang);
  if (asked) return asked;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((r) => r.tag && Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranked) {
    const l = pageLocaleOf(r.tag);
    if (l) return l;
  }
  return 'en';
}

export function pageStringsFor(locale: string): PageStrings {
  return strings[pageLocaleOf(locale) ?? 'en'];
}

/** Fills `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
