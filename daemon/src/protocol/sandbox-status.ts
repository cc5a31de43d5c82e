// Where the daemon's allowed commands would run, as a part of its status: so a client can say plainly,
// when the user allows a command, that no sandbox works here and what to do about it.

export interface SandboxStatus {
  /** True when allowed commands run in bubblewrap. */
  available: boolean;
  /** 'none': no working sandbox, so allowed commands are refused; 'unsandboxed': the user opted out (TANDEM_UNSANDBOXED_COMMANDS=1). */
  mode: 'bubblewrap' | 'unsandboxed' | 'none';
  /** Why there is no sandbox ('none' only), e.g. "bubblewrap (bwrap) is not installed". */
  reason: string | null;
  /** What the user can do: install bubblewrap, or opt out ('none' only). */
  fix: string | null;
}
