// The members module's public surface; other modules import only from here.
export { decryptPii, maskMemberDto, piiAad, toMemberDto } from './members.dto.ts';
export {
  existingMemberIds,
  findMemberIdByEmail,
  findMemberIdByPhone,
  findMembersByIds,
  getMember,
  getMemberById,
  listMembers,
  recordPiiRead,
} from './members.read.ts';
export {
  countLiveMembers,
  countMembersNotUnderKey,
  countMembersUnderKey,
  ENCRYPTED_COLUMNS,
  type EncryptedColumn,
  findMembersNotUnderKey,
  liveMemberIdsAfter,
  type MemberCiphertexts,
  replaceMemberCiphertexts,
} from './members.repository.ts';
export { memberRoutes } from './members.routes.ts';
export { deleteMember, type UpsertMemberResult, updateMember, upsertMember } from './members.service.ts';
export type { MemberCredentialsTable, MembersTable } from './members.table.ts';
export {
  GENDERS,
  MEMBER_STATUSES,
  type MemberActor,
  type MemberDto,
  type MemberInput,
  type MemberPatch,
  type MemberStatus,
  memberDtoSchema,
  memberIdSchema,
  memberInputSchema,
  memberPatchSchema,
  PII_FIELDS,
  type PiiField,
} from './members.types.ts';
