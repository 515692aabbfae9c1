/**
 * The GUI's page and style sheet, kept as constants so the project's one `tsc` build produces
 * everything the controller serves (no copy step, nothing read from the source tree).
 * The page holds no inline script or style: the Content-Security-Policy forbids both.
 */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LINSTOR</title>
<link rel="stylesheet" href="style.css">
<script type="module" src="main.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">LINSTOR</span>
  <nav id="nav" aria-label="Sections"></nav>
  <span id="who" class="who"></span>
</header>
<div id="status" role="status" aria-live="polite" class="status"></div>
<main id="main" tabindex="-1"><p>Loading…</p></main>
</body>
</html>
`;

export const STYLE_CSS = `
:root { --fg: #1b1f24; --muted: #4a5560; --bg: #ffffff; --panel: #f3f5f7; --line: #c9d1d9;
  --accent: #0b5cad; --ok: #17692f; --warn: #8a5300; --bad: #b3261e; font-family: system-ui, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); font-size: 15px; }
a { color: var(--accent); }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 4px; }
.skip:focus { left: 4px; z-index: 10; }
.top { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #102a43; color: #fff; flex-wrap: wrap; }
.top a { color: #fff; text-decoration: none; padding: 4px 8px; border-radius: 4px; }
.top a[aria-current="page"] { background: #2f4b66; }
.top a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #f0b429; outline-offset: 1px; }
.brand { font-weight: 700; letter-spacing: .05em; }
#nav { display: flex; gap: 4px; flex-wrap: wrap; flex: 1; }
.who { display: flex; gap: 8px; align-items: center; }
.who button { background: #2f4b66; color: #fff; border-color: #fff; }
main { padding: 16px; max-width: 1400px; }
h1 { font-size: 1.4em; margin: 0 0 12px; }
h2 { font-size: 1.1em; margin: 16px 0 8px; }
.status { min-height: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 12px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
.card h2 { margin-top: 0; }
.big { font-size: 1.6em; font-weight: 600; }
.pool { margin-bottom: 8px; }
meter { width: 100%; height: 14px; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th button { background: none; border: none; font: inherit; font-weight: 600; padding: 0; cursor: pointer; color: var(--fg); }
tbody tr:hover { background: #f7f9fb; }
.toolbar { display: flex; gap: 8px; align-items: end; flex-wrap: wrap; }
.toolbar label, form label { display: flex; flex-direction: column; font-size: .9em; color: var(--muted); gap: 2px; }
input, select { font: inherit; padding: 4px 6px; border: 1px solid #6b7785; border-radius: 4px; color: var(--fg); background: #fff; }
button { font: inherit; padding: 4px 10px; border: 1px solid #6b7785; border-radius: 4px; background: #fff; color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
button.danger { color: var(--bad); border-color: var(--bad); }
button:disabled { opacity: .55; cursor: default; }
.actions { display: flex; gap: 4px; flex-wrap: wrap; }
.state-ok { color: var(--ok); font-weight: 600; }
.state-warn { color: var(--warn); font-weight: 600; }
.state-bad { color: var(--bad); font-weight: 600; }
.muted { color: var(--muted); }
.pager { display: flex; gap: 8px; align-items: center; margin-top: 8px; }
.msg { border: 1px solid var(--line); border-left: 6px solid var(--ok); background: #f2faf4; padding: 8px 12px; margin: 8px 0; border-radius: 4px; }
.msg.error { border-left-color: var(--bad); background: #fdf3f2; }
.msg.warn { border-left-color: var(--warn); background: #fdf8ec; }
.msg p { margin: 2px 0; }
.msg .k { font-weight: 600; }
dialog { border: 1px solid var(--line); border-radius: 8px; padding: 16px; min-width: 340px; max-width: 90vw; }
dialog::backdrop { background: rgba(16, 42, 67, .45); }
dialog form { display: flex; flex-direction: column; gap: 10px; }
.buttons { display: flex; gap: 8px; justify-content: flex-end; }
pre { background: var(--panel); padding: 8px; overflow: auto; max-height: 60vh; border: 1px solid var(--line); }
.login { max-width: 360px; display: flex; flex-direction: column; gap: 10px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
