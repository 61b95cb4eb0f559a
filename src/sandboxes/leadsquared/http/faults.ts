/** LeadSquared's fault rules are the kit's (kit/faults.ts); this module keeps the sandbox's import path. */
export {
  FAULT_KINDS,
  type FaultDecision,
  FaultInjector,
  type FaultKind,
  type FaultRule,
  validateFaultRule,
  validateFaultRules,
} from '../../kit/faults.ts';
