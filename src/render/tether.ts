/**
 * Child processes that end when this process dies, however it dies (`kill -9` included).
 *
 * Linux could do it in the kernel (prctl PR_SET_PDEATHSIG), but Node offers no way to ask for it, so it is
 * done with a pipe, the one thing the kernel closes for a killed process. The browser talks to us over one
 * (browser-process.ts) and the encoder reads its frames from one (encode.ts): both see end-of-file and exit.
 * An FFmpeg that reads files (frame extraction, the audio mix, the gif's second pass, verification) does not
 * read stdin at all, so it runs under a small POSIX shell that holds the pipe for it: the shell starts the
 * command, and a watcher waits for end-of-file on the pipe and then kills the command. The shell exits
 * with the command's status; stdout and stderr are the command's own.
 */
import { spawn, type ChildProcess, type StdioPipe, type StdioNull } from "node:child_process";

/**
 * `$0` is the command, `$@` its arguments. fd 3 keeps the pipe for the watcher (an `&` list's stdin is
 * /dev/null); the command gets neither. After the command ends, the watcher is stopped.
 */
const TETHER = [
  "exec 3<&0",
  '"$0" "$@" </dev/null 3<&- & c=$!',
  '{ read -r _; kill -9 "$c"; } <&3 >/dev/null 2>&1 & w=$!',
  "exec 3<&-",
  'wait "$c"; s=$?',
  'kill "$w" 2>/dev/null',
  'exit "$s"',
].join("\n");

const POSIX = process.platform !== "win32";

/** Spawn `cmd args` so that it is killed when this process dies. stdin is the tether (never write to it). */
export function spawnTethered(cmd: string, args: readonly string[], stdio: [StdioPipe | StdioNull, StdioPipe | StdioNull]): ChildProcess {
  if (!POSIX) return spawn(cmd, [...args], { stdio: ["ignore", ...stdio] });
  return spawn("/bin/sh", ["-c", TETHER, cmd, ...args], { stdio: ["pipe", ...stdio] });
}

/** Stop a tethered process now: closing the tether makes the watcher kill the command, then the shell goes. */
export function killTethered(p: ChildProcess): void {
  p.stdin?.destroy();
  p.kill("SIGKILL");
}
