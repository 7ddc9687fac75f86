/**
 * Files written whole or not at all: the data goes to a hidden partial file beside the target, named by the one
 * scheme render/temp-files.ts sweeps (`.<name>.hf-tmp-<pid>-<stamp>`: the owner's pid, so what a killed process
 * left is removed by the next render), then a rename puts it in place. Readers never see half a file. Used for
 * the manifest, downloads' metadata, the capability cache, the fontconfig file and stills.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

/** The mark in every partial output's name. */
export const PARTIAL_MARK = ".hf-tmp-";

/** A partial output's path for `output`: hidden, beside it, with this process's pid. */
export function partialOutputPath(output: string): string {
  const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  return path.join(path.dirname(output), `.${path.basename(output)}${PARTIAL_MARK}${process.pid}-${stamp}`);
}

/** Write `file` atomically (its folder is created). */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = partialOutputPath(file);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Write `file` atomically and synchronously; `durable` also fsyncs the data before the rename. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, o: { durable?: boolean } = {}): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = partialOutputPath(file);
  try {
    const fd = openSync(tmp, "w");
    try {
      const buf = typeof data === "string" ? Buffer.from(data) : data;
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      if (o.durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
