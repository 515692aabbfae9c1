/** Whether commands run inside the interactive shell, and how to open it (set by main.ts). */
export const session: { interactive: boolean; startShell?: () => Promise<number> } = { interactive: false };
