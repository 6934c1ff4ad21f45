// English UI strings. The policy text itself comes from the kiosk in the view, never from here.
// Every LockReason and RefusalReason has a plain sentence: a student or a teacher reads these.
import type { LockReason, RefusalReason } from '../../electron/core/api/contract.ts';

const lockReason: Record<LockReason, string> = {
  'no-teacher': 'Student computers stay locked until a teacher unlocks them. Ask your teacher.',
  'supervision-required': 'You may use the computer only while a teacher is supervising you. Ask your teacher to unlock it.',
  'privileges-suspended': 'Your computer privileges are suspended. Only a campus administrator can open this computer for you.',
  expired: 'Your time is up, so the computer locked again. Ask your teacher if you need more time.',
};

const refusal: Record<RefusalReason, string> = {
  'bad-credentials': 'That username and PIN or password do not match. Check them and try again.',
  'not-approved': 'This account is not an approved teacher, so it cannot unlock student computers.',
  substitute:
    'Substitute teachers cannot unlock student computers. District policy allows no student computer access with a substitute teacher; a campus administrator can approve special circumstances.',
  'not-administrator': 'Only a campus administrator can do this.',
  'rate-limited': 'Too many attempts that did not work. Wait and try again.',
  'reason-required': 'Write the reason for the override (a full sentence).',
  'too-long': 'That is longer than the district allows. Choose fewer minutes.',
  'stale-document': 'The policy changed while you were reading. Please read the new version.',
  'name-required': 'Type your full name, first and last, to sign.',
  'directory-unavailable': 'The district sign-in service cannot be reached. Try again in a moment, or call the technology office.',
  'cannot-record': 'The kiosk could not save this record, so nothing was changed. Tell the technology office.',
  'not-now': 'That cannot be done right now. Try again.',
  'invalid-request': 'The kiosk did not understand that request. Try again.',
};

export const en = {
  app: {
    name: 'AUP Kiosk',
    title: '{{screen}} – {{district}}',
  },
  common: {
    language: 'Language',
    safetyRules: 'Internet Safety rules',
    cancel: 'Cancel',
    working: 'One moment…',
    signedInAs: 'Signed in as {{name}}',
    place: '{{campus}}, {{room}}',
  },
  loading: {
    heading: 'Getting ready',
    body: 'Connecting to the kiosk…',
    reconnecting: 'The connection to the kiosk was interrupted. Reconnecting…',
  },
  configError: {
    heading: 'This kiosk is not set up correctly',
    intro: 'Students cannot use this computer until a technician fixes the problems below. Nothing has been recorded.',
    source: 'Configuration read from',
    noSource: 'No configuration file was found. The kiosk looks at --config, then AUP_KIOSK_CONFIG, then the standard location for this computer.',
    problems_one: '{{count}} problem',
    problems_other: '{{count}} problems',
    path: 'Setting',
    message: 'Problem',
    next: 'Fix the file, check it with “aup config validate”, then restart the kiosk.',
  },
  serviceUnavailable: {
    heading: 'This computer is locked: the kiosk service is not running',
    body: 'The AUP Kiosk service keeps this computer’s lock and records. It is not running, so nothing can be opened here.',
    next: 'Please tell a teacher or the campus technician. (Technicians: run “aup service status”.)',
  },
  policy: {
    intro: 'Hello, {{name}}. Please read the policy to the end before you accept it.',
    version: 'Version {{version}}, in effect from {{date}}',
    unreviewed: 'This translation has not been reviewed by the district yet. If something is unclear, ask for the English version.',
    textSize: 'Text size',
    smaller: 'Smaller text',
    larger: 'Larger text',
    readAloud: 'Read aloud',
    stopReading: 'Stop reading',
    reading: 'Reading aloud…',
    documentLabel: 'Policy text',
    loadingDocument: 'Loading the policy…',
    end: 'End of the policy.',
    readToEnd: 'Scroll to the end of the policy, or have it read aloud, to accept.',
    reachedEnd: 'You have reached the end of the policy.',
    signatureLabel: 'Type your full name to sign',
    signatureHint: 'Typing your name is your signature.',
    accept: 'I accept',
    agree: 'I agree',
    acceptHint: 'Pressing “I accept” records that you read and accept this policy.',
    agreeHint: 'Press “I agree” when you have read or listened to the rules.',
    link: '{{text}} ({{href}})',
  },
  safety: {
    intro: 'These rules keep you, your classmates and the school’s computers safe.',
    acknowledge: 'I understand the rules',
    close: 'Close the rules',
    documentLabel: 'Internet Safety rules text',
  },
  locked: {
    heading: 'This computer is locked',
    clock: 'Time now',
    reason: lockReason,
    teacherUnlock: 'Teacher unlock',
    adminOverride: 'Administrator override',
    overrideOnly: 'A teacher cannot unlock this computer for you.',
  },
  teacher: {
    heading: 'Teacher unlock',
    intro: 'Sign in with your district username and PIN or password to unlock this computer for {{name}}.',
    username: 'Username',
    secret: 'PIN or password',
    submit: 'Unlock',
    guardianDenied: 'Internet access denied: a parent or guardian of {{name}} has denied this student Internet access.',
  },
  admin: {
    heading: 'Administrator override',
    intro: 'Open this computer for {{name}} in a special circumstance. Your name, the reason and the time limit are recorded.',
    username: 'Administrator username',
    secret: 'PIN or password',
    reason: 'Reason for the override',
    reasonHint: 'Why this student may use the computer now. It is recorded.',
    minutes: 'Time limit (minutes)',
    submit: 'Override the lock',
  },
  unlocked: {
    heading: 'This computer is unlocked',
    byTeacher: 'Unlocked by {{by}} until {{until}}.',
    byOverride: 'Opened by administrator override ({{by}}) until {{until}}.',
    remaining_one: '{{count}} minute left',
    remaining_other: '{{count}} minutes left',
    lastMinute: 'Less than a minute left',
    warningHeading: 'Time is almost up',
    warning: 'Save your work now. This computer locks at {{until}}.',
    guardianDenied: 'No Internet for {{name}}: a parent or guardian has denied Internet access.',
  },
  free: {
    heading: 'You are all set',
    body: 'Thank you, {{name}}. Your acceptance of this year’s policy is recorded. There is nothing more to do here.',
  },
  refusal: {
    ...refusal,
    retryAfter_one: 'Try again in {{count}} second.',
    retryAfter_other: 'Try again in {{count}} seconds.',
  },
  screen: {
    loading: 'Getting ready',
    'config-error': 'Setup problem',
    'service-unavailable': 'Kiosk service not running',
    policy: 'Acceptable Use Policy',
    'safety-rules': 'Internet Safety rules',
    locked: 'Locked',
    'teacher-unlock': 'Teacher unlock',
    'admin-override': 'Administrator override',
    unlocked: 'Unlocked',
    free: 'All set',
  },
};

/** The shape every language must fill (checked by the type of `es`). */
export type UiStrings = typeof en;
