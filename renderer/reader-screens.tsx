// The screens that show a document (the policy, the Internet Safety rules) with their reader, in a
// chunk of their own: the lock screen, which a student sees at every login, does not load them, nor
// the Markdown renderer (components/policy-document.tsx, a chunk of its own again).
export { PolicyScreen } from './screens/policy.tsx';
export { PolicyAcceptedScreen } from './screens/policy-accepted.tsx';
export { SafetyRulesScreen } from './screens/safety-rules.tsx';
