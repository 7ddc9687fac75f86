/**
 * Font configuration for renders. Chrome reads fonts through fontconfig; we hand it a config of our own
 * that includes the system's (so every installed font is found: Arial → Liberation Sans, etc.) and
 * turns hinting off. Unhinted outlines place text the same way on every machine and match the
 * official renderer's frames best (measured on the conformance corpus: hintslight, the Debian default,
 * shifts large text by up to 2 px).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";

const CONF = `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<!-- written by hyperframes-toolkit: system fonts, unhinted, greyscale antialiasing -->
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <match target="font">
    <edit name="hinting" mode="assign"><bool>false</bool></edit>
    <edit name="hintstyle" mode="assign"><const>hintnone</const></edit>
    <edit name="antialias" mode="assign"><bool>true</bool></edit>
    <edit name="rgba" mode="assign"><const>none</const></edit>
  </match>
</fontconfig>
`;

/** Environment variables to launch the browser with (empty when the system has no fontconfig). */
export function fontEnvironment(): Record<string, string> {
  if (process.platform !== "linux" || !existsSync("/etc/fonts/fonts.conf")) return {};
  const dir = path.join(process.env.XDG_CACHE_HOME || path.join(homedir() || tmpdir(), ".cache"), "hyperframes-toolkit");
  const file = path.join(dir, "fonts.conf");
  try {
    if (!existsSync(file) || readFileSync(file, "utf8") !== CONF) {
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, CONF);
      // rename is atomic: concurrent renders never see a half-written file
      renameSync(tmp, file);
    }
  } catch {
    return {};
  }
  return { FONTCONFIG_FILE: file };
}
