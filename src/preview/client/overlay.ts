/** The error overlay over the stage: what failed in the page, plus the lint findings for the composition. */
import { $, h } from "./dom.js";
import type { CompositionDetails, LintFinding, PageError } from "./types.js";

function shortFile(f?: string): string {
  if (!f) return "";
  try {
    const u = new URL(f, location.href);
    return u.origin === location.origin ? u.pathname.replace(/^\//, "") : f;
  } catch {
    return f;
  }
}

export class ErrorOverlay {
  private readonly el = $("overlay");
  private dismissed = false;

  get visible(): boolean {
    return this.el.classList.contains("show");
  }

  hide(): void {
    this.el.classList.remove("show");
    this.el.textContent = "";
    this.dismissed = false;
  }

  show(errors: PageError[], details: CompositionDetails | null): void {
    if (this.dismissed) return;
    const first = errors[0];
    const el = this.el;
    el.textContent = "";
    const close = h("button", { class: "btn close", title: "Dismiss (the next save reloads anyway)" }, "✕");
    close.addEventListener("click", () => {
      this.el.classList.remove("show");
      this.dismissed = true;
    });
    el.append(close);
    const title =
      first?.kind === "unknown-composition"
        ? "No such composition"
        : first?.kind === "timeout"
        ? "The composition did not become ready"
        : errors.every((e) => e.kind === "network")
          ? "The composition reaches the network (renders block it)"
          : errors.every((e) => e.kind === "forbidden" || e.kind === "network")
            ? "The composition reads files outside the project"
            : "The composition failed";
    el.append(h("h2", {}, title));
    if (first) {
      const where = first.file ? `${shortFile(first.file)}${first.line ? `:${first.line}${first.column ? `:${first.column}` : ""}` : ""}` : "";
      if (where) el.append(h("div", { class: "where" }, where));
    }
    for (const e of errors.slice(0, 6)) {
      // the stack's first line repeats the message: show the message, then only the frames
      const frames = (e.stack ?? "").split("\n").filter((l) => /^\s+at\s|@/.test(l));
      const text = frames.length ? `${e.message}\n${frames.slice(0, 8).join("\n")}` : e.message;
      el.append(h("pre", {}, text));
    }
    if (errors.length > 6) el.append(h("div", { class: "where" }, `… and ${errors.length - 6} more`));
    const model = details?.modelError;
    if (model) {
      el.append(h("h3", {}, "Composition model"));
      el.append(h("pre", {}, `${model.file ? `${model.file}${model.line ? `:${model.line}` : ""}: ` : ""}${model.message}${model.hint ? `\n→ ${model.hint}` : ""}`));
    }
    const findings: LintFinding[] = details?.lint?.findings ?? [];
    if (findings.length) {
      el.append(h("h3", {}, `Lint · ${details!.lint!.errorCount} error(s), ${details!.lint!.warningCount} warning(s)`));
      const ul = h("ul");
      for (const f of findings.slice(0, 30)) {
        ul.append(
          h(
            "li",
            {},
            h("span", { class: `sev ${f.severity}` }, f.severity),
            f.message,
            " ",
            h("span", { class: "loc" }, `${f.file}${f.line ? `:${f.line}` : ""} · ${f.code}`),
            f.hint ? h("div", { class: "hint" }, f.hint) : null,
          ),
        );
      }
      el.append(ul);
    } else if (details?.lint) {
      el.append(h("h3", {}, "Lint"), h("div", { class: "where" }, "no findings"));
    }
    el.append(h("div", { class: "foot" }, "Fix the file and save: the preview reloads by itself."));
    el.classList.add("show");
  }
}
