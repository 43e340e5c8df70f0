// Types of the crisis API, inferred from the zod contracts (type-only).
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';

export type CrisisCaseItem = z.infer<typeof contracts.CrisisCaseItem>;
export type CrisisCaseDetail = z.infer<typeof contracts.CrisisCaseDetail>;
export type CrisisStudent = z.infer<typeof contracts.CrisisStudent>;
export type TeamCandidate = z.infer<typeof contracts.TeamCandidate>;
export type CrisisTask = z.infer<typeof contracts.CrisisTask>;
export type GuardianContact = z.infer<typeof contracts.GuardianContact>;
export type StudentGuardian = z.infer<typeof contracts.StudentGuardian>;
export type Conference = z.infer<typeof contracts.Conference>;
export type CrisisEvent = z.infer<typeof contracts.CrisisEvent>;
export type GuardianNotice = z.infer<typeof contracts.GuardianNotice>;
export type GuardianNoticeSent = z.infer<typeof contracts.GuardianNoticeSent>;
export type SafetyPlan = z.infer<typeof contracts.SafetyPlan>;
export type RiskLevel = CrisisCaseItem['riskLevel'];
export type TeamRole = CrisisCaseDetail['team'][number]['teamRole'];
