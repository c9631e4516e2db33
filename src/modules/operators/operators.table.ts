export interface OperatorsTable {
  id: string;
  username: string;
  passwordHash: string;
  role: string;
  disabled: number;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}
