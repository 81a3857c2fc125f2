// The demo page's stylesheet, inlined so the page needs nothing but the worker (no CDN, no
// web fonts). Colours were picked for WCAG AA contrast on white: body text #1b1f24 (16:1),
// muted #4b5563 (7.5:1), accent #0b57d0 (6.3:1, also as white-on-accent), error text
// #8a1c10 on #fdecea (8:1), notice text #4d2e00 on #fff4d6 (12:1).
export const styles = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1f24;background:#f4f6fa}
a{color:#0b57d0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em;overflow-wrap:anywhere}
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.skip{position:absolute;left:.5rem;top:-3rem;background:#fff;padding:.5rem .75rem;border-radius:.375rem;z-index:1}
.skip:focus{top:.5rem}
header{background:#fff;border-bottom:1px solid #d6dbe3;padding:1rem 1.25rem}
header .wrap{max-width:74rem;margin:0 auto}
header h1{margin:0;font-size:1.4rem;line-height:1.25}
header p{margin:.25rem 0 0;color:#4b5563}
main{display:grid;gap:1rem;padding:1rem;max-width:76rem;margin:0 auto;grid-template-columns:minmax(0,22rem) minmax(0,1fr);align-items:start}
.panel{background:#fff;border:1px solid #d6dbe3;border-radius:.5rem;padding:1rem 1.25rem}
#key-section,#status-section,#campaign{grid-column:1/-1}
h2{margin:0 0 .75rem;font-size:1.15rem}
h3{margin:1.25rem 0 .5rem;font-size:1rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=password],input[type=number]{font:inherit;font-size:16px;padding:.5rem .6rem;border:1px solid #6b7280;border-radius:.375rem;background:#fff;color:inherit;width:100%;min-height:2.75rem}
input[type=number]{width:6rem;flex:none}
input[type=range]{flex:1;min-width:0;accent-color:#0b57d0;min-height:2.75rem}
.row{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}
.row input[type=password]{flex:1;width:auto;min-width:12rem}
.combo{position:relative;flex:1;min-width:12rem}
.listbox{position:absolute;z-index:2;left:0;right:0;top:100%;margin:.15rem 0 0;padding:.25rem 0;list-style:none;background:#fff;border:1px solid #6b7280;border-radius:.375rem;box-shadow:0 4px 12px #0002;max-height:18rem;overflow-y:auto}
.option{display:flex;justify-content:space-between;gap:.75rem;padding:.5rem .75rem;min-height:2.75rem;align-items:center;cursor:pointer}
.option[aria-selected=true]{background:#0b57d0;color:#fff}
.option-id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85rem;flex:none}
fieldset.kinds{border:0;margin:.75rem 0 0;padding:0}
fieldset.kinds legend{font-weight:600;padding:0;margin-bottom:.25rem}
label.choice{display:flex;gap:.5rem;align-items:center;font-weight:400;margin:.25rem 0;min-height:2.75rem}
label.choice input{width:1.25rem;height:1.25rem;accent-color:#0b57d0;flex:none}
.fields{display:flex;gap:1rem;flex-wrap:wrap}
.fields>div{flex:1;min-width:10rem}
.chip{display:flex;align-items:center;gap:.4rem;border:1px solid #d6dbe3;border-radius:.375rem;padding:0 0 0 .6rem}
td.reason{color:#1b1f24;font-size:.92rem;min-width:12rem}
tr.held-out td{color:#4b5563}
.help{margin:.25rem 0 0;color:#4b5563;font-size:.9rem}
button{font:inherit;font-weight:600;min-height:2.75rem;padding:.5rem 1rem;border-radius:.375rem;border:1px solid #0b57d0;background:#0b57d0;color:#fff;cursor:pointer}
button:hover{background:#0842a0}
button.secondary{background:#fff;color:#0b57d0}
button.secondary:hover{background:#e8effc}
form>button[type=submit]{margin-top:1rem;width:100%}
.chips{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.4rem}
.chips button{background:#fff;color:#0b57d0;font-weight:500;padding:.35rem .7rem;min-height:2.75rem;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9rem}
.chips button[aria-pressed=true]{background:#0b57d0;color:#fff}
.error{border:1px solid #c5221f;background:#fdecea;color:#8a1c10;border-radius:.375rem;padding:.75rem 1rem;margin:0 0 1rem}
.notice{border:2px solid #b26b00;background:#fff4d6;color:#4d2e00;border-radius:.375rem;padding:.75rem 1rem;margin:0 0 1rem}
.notice strong{display:block}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:0 0 1rem}
.meta dt{color:#4b5563}
.meta dd{margin:0;overflow-wrap:anywhere}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;margin:0 0 .5rem}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e3e7ee;vertical-align:middle}
th{font-size:.85rem;color:#4b5563;text-transform:uppercase;letter-spacing:.03em}
td.rank{width:4rem}
td.customer{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.score{display:flex;align-items:center;gap:.6rem;min-width:9rem}
.score-value{width:4.5rem;flex:none;text-align:right}
.bar-track{flex:1;height:.7rem;background:#e3e9f5;border-radius:.35rem;overflow:hidden}
.bar{height:100%;background:#0b57d0}
.status-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.status-grid h3{margin-top:.5rem}
.badge{display:inline-block;padding:0 .5rem;border-radius:1rem;font-weight:600}
.badge.good{background:#e6f4ea;color:#0d652d}
.badge.bad{background:#fdecea;color:#8a1c10}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
[hidden]{display:none!important}
[aria-busy=true] .table-wrap{opacity:.55}
@media (max-width:760px){
  main{grid-template-columns:minmax(0,1fr);padding:.5rem;gap:.75rem}
  .panel{padding:.85rem}
  header{padding:.85rem}
  th,td{padding:.35rem .4rem}
  .score{min-width:7rem}
  .score-value{width:3.75rem}
}
@media (forced-colors:active){.bar{background:CanvasText}.bar-track{border:1px solid CanvasText}}
@media (prefers-reduced-motion:no-preference){.bar{transition:width .2s ease-out}}
`;
