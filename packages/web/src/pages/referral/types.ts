// Types of the referral API, inferred from the zod contracts in @xinyu/core (type-only).
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';

export type Institution = z.infer<typeof contracts.PartnerInstitution>;
export type InstitutionClinician = z.infer<typeof contracts.InstitutionClinician>;
export type Referral = z.infer<typeof contracts.Referral>;
export type ReferralDetail = z.infer<typeof contracts.ReferralDetail>;
export type ReferralFeedback = z.infer<typeof contracts.ReferralFeedback>;
export type ReferralContext = z.infer<typeof contracts.ReferralStudentContext>;
export type ClinicReferral = z.infer<typeof contracts.ClinicReferral>;
export type ReturnPlan = z.infer<typeof contracts.ReturnPlan>;
export type ReturnPlanDetail = z.infer<typeof contracts.ReturnPlanDetail>;
export type CounselingMeasures = z.infer<typeof contracts.CounselingMeasures>;
export type ReferralStatus = Referral['status'];
export type Severity = Referral['severity'];
export type { Items, Paged } from '../../api/types';
