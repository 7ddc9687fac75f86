/**
 * Sub-composition CSS scoping (src/compose/compile/css-scope.ts): what each kind of selector becomes, which
 * rules are rewritten, and that broken or unusual CSS (comments, escapes, commas inside :is() or strings) is
 * read the way a browser reads it.
 */
import { describe, expect, it } from "vitest";
import { scopeCss, scopeSelector, type CssScope } from "../src/compose/compile/css-scope.js";

const HOST = `[data-composition-id="card"]`;
const BOX = `${HOST} > [data-hf-inner-root]`;
const scope: CssScope = { attr: HOST, box: BOX, innerRootId: "root" };
const sel = (s: string) => scopeSelector(s, scope);

describe("sub-composition selector scoping", () => {
  it("limits every selector of a list to the host", () => {
    expect(sel(".a, .b > p")).toBe(`${HOST} .a, ${HOST} .b > p`);
    expect(sel("> .a")).toBe(`${HOST} > .a`);
  });

  it("leaves a bare * global, like the official compiler", () => {
    expect(sel("*")).toBe("*");
    expect(sel("*, .a")).toBe(`*, ${HOST} .a`);
    expect(sel("* .a")).toBe(`${HOST} * .a`);
  });

  it("maps a bare html, body or :root (any case) onto the composition's box", () => {
    expect(sel("html, BODY, :root")).toBe(`${BOX}, ${BOX}, ${BOX}`);
    expect(sel("html /* the page */")).toBe(BOX);
    // only a bare one: in a longer selector it is scoped like any other part
    expect(sel("body .a")).toBe(`${HOST} body .a`);
  });

  it("maps #<inner root id> onto the inner root, wherever it is but in attribute strings", () => {
    const root = `[data-hf-authored-id="root"]`;
    expect(sel("#root")).toBe(`${HOST} ${root}`);
    expect(sel("#root > .title, .a:not(#root)")).toBe(`${HOST} ${root} > .title, ${HOST} .a:not(${root})`);
    expect(sel(".a,\n  #root ")).toBe(`${HOST} .a,\n  ${HOST} ${root} `);
    expect(sel("#root-2, [href='#root']")).toBe(`${HOST} #root-2, ${HOST} [href='#root']`);
    // an escaped id is the id it spells
    expect(sel("#ro\\6Ft")).toBe(`${HOST} ${root}`);
    expect(scopeSelector("#root", { attr: HOST, box: BOX })).toBe(`${HOST} #root`);
  });

  it("keeps a selector that starts with the host, and maps a bare host (with its timing attributes) onto the box", () => {
    expect(sel(`${HOST} .a`)).toBe(`${HOST} .a`);
    expect(sel(`${HOST}.dark .a`)).toBe(`${HOST}.dark .a`);
    expect(sel(`[data-composition-id='card'] .a`)).toBe(`[data-composition-id='card'] .a`);
    expect(sel(HOST)).toBe(BOX);
    expect(sel(`${HOST}[data-start="0"][data-duration='2']`)).toBe(BOX);
    // as the official compiler reads it, a space before the timing attribute does not change that
    expect(sel(`${HOST} [data-start="0"]`)).toBe(BOX);
    // another composition's id is scoped like any selector
    expect(sel(`[data-composition-id="cards"] .a`)).toBe(`${HOST} [data-composition-id="cards"] .a`);
  });

  it("splits a list only at its own commas: not inside :is()/:not(), attribute strings or escapes", () => {
    expect(sel(":is(.a, .b) .c, .d")).toBe(`${HOST} :is(.a, .b) .c, ${HOST} .d`);
    expect(sel(`[title="a,b"], .c`)).toBe(`${HOST} [title="a,b"], ${HOST} .c`);
    expect(sel(".a\\,b")).toBe(`${HOST} .a\\,b`);
    expect(sel(".a /* x, y */ .b")).toBe(`${HOST} .a /* x, y */ .b`);
  });

  it("returns a selector list it cannot parse as it is", () => {
    expect(sel(".a[")).toBe(".a[");
  });
});

describe("sub-composition style sheet scoping", () => {
  it("scopes the rules at the top level and in @media, @supports, @layer, @container and @starting-style", () => {
    const css = [
      `.a { color: red }`,
      `@media (min-width: 10px) { .b { color: red } @supports (display: grid) { html { color: red } } }`,
      `@layer base { .c { color: red } }`,
      `@container card (min-width: 1px) { .d { color: red } }`,
      `@starting-style { .e { opacity: 0 } }`,
    ].join("\n");
    expect(scopeCss(css, scope)).toBe(
      [
        `${HOST} .a { color: red }`,
        `@media (min-width: 10px) { ${HOST} .b { color: red } @supports (display: grid) { ${BOX} { color: red } } }`,
        `@layer base { ${HOST} .c { color: red } }`,
        `@container card (min-width: 1px) { ${HOST} .d { color: red } }`,
        `@starting-style { ${HOST} .e { opacity: 0 } }`,
      ].join("\n"),
    );
  });

  it("leaves @keyframes, @font-face, @import, @layer statements and nested rules alone", () => {
    const css = [
      `@import url("a.css");`,
      `@layer base, comps;`,
      `@keyframes spin { from { transform: rotate(0) } to { transform: rotate(1turn) } }`,
      `@font-face { font-family: X; src: url(x.woff2) }`,
      `.a { color: red; &:hover { color: blue } .b { color: green } }`,
    ].join("\n");
    expect(scopeCss(css, scope)).toBe(css.replace(".a {", `${HOST} .a {`));
  });

  it("scopes a rule that follows a comment, even one holding an apostrophe or a brace", () => {
    const css = [
      `.a { color: red; /* the container's color } */ }`,
      `/* reset */`,
      `:root { --w: 10px }`,
      `/* spin it */ @keyframes spin { to { transform: rotate(1turn) } }`,
      `.b { content: "it's }" }`,
      `.c { color: red }`,
    ].join("\n");
    expect(scopeCss(css, scope)).toBe(
      [
        `${HOST} .a { color: red; /* the container's color } */ }`,
        `/* reset */`,
        `${BOX} { --w: 10px }`,
        `/* spin it */ @keyframes spin { to { transform: rotate(1turn) } }`,
        `${HOST} .b { content: "it's }" }`,
        `${HOST} .c { color: red }`,
      ].join("\n"),
    );
  });

  it("keeps the author's whitespace, so the sheet keeps its line count", () => {
    const css = `.a,\n.b\n{ color: red }\n\n.c{color:red}\n`;
    expect(scopeCss(css, scope)).toBe(`${HOST} .a,\n${HOST} .b\n{ color: red }\n\n${HOST} .c{color:red}\n`);
  });

  it("never throws on broken CSS: an unclosed block is closed, a stray word kept, an unparsable selector left as is", () => {
    expect(scopeCss(`.a { color: red`, scope)).toBe(`${HOST} .a { color: red}`);
    expect(scopeCss(`.a { oops } .b { color: red }`, scope)).toBe(`${HOST} .a { oops } ${HOST} .b { color: red }`);
    expect(scopeCss(`.a:not( { color: red }`, scope)).toBe(`.a:not( { color: red }`);
    expect(scopeCss(`/* unclosed`, scope)).toBe(`/* unclosed*/`);
    expect(scopeCss(``, scope)).toBe(``);
  });
});
