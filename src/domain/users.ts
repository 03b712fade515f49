import { arenaError } from './errors.js';
import { hashPassword } from './passwords.js';
import { addUserToWorkspace, findUserByEmail, insertUser } from '../store/auth-repo.js';
import type { Store } from '../store/store.js';

export interface NewUser {
  email: string;
  password: string;
  fullName: string;
  workspaceIds: number[];
}

/** Creates a user (or adds an existing one to more workspaces) and returns its id. */
export async function createUser(store: Store, u: NewUser): Promise<number> {
  if (!/^[^@\s]+@[^@\s]+$/.test(u.email)) throw arenaError(3003, 'email');
  if (u.password.length < 8) throw arenaError(3003, 'password');
  const existing = await findUserByEmail(store, u.email);
  const id = existing?.id ?? (await insertUser(store, { email: u.email, fullName: u.fullName, passwordHash: await hashPassword(u.password) }));
  for (const ws of u.workspaceIds) await addUserToWorkspace(store, id, ws);
  return id;
}
