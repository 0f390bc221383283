// Opens chart SVGs in real headless Chromium (playwright-core, Debian's /usr/bin/chromium)
// as the page itself and as an <img>: prints "ok: FILE WxH" when the browser parsed it as an
// SVG document of that size and decoded it as an image; exits 1 on the first failure.
//   node render_svg.js FILE.svg...
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

(async () => {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  let failed = false;
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    for (const file of process.argv.slice(2)) {
      const url = "file://" + path.resolve(file);
      await page.goto(url);
      const doc = await page.evaluate(() => {
        const r = document.documentElement;
        const box = r.getBBox ? r.getBBox() : null;
        return { tag: r.tagName, err: document.getElementsByTagName("parsererror").length,
                 w: r.width && r.width.baseVal.value, h: r.height && r.height.baseVal.value,
                 bw: box && box.width, bh: box && box.height };
      });
      if (doc.tag !== "svg" || doc.err) throw new Error(`${file}: the browser did not parse an SVG (${JSON.stringify(doc)})`);
      if (!(doc.bw > 0 && doc.bh > 0)) throw new Error(`${file}: nothing drawn (${JSON.stringify(doc)})`);
      const data = "data:image/svg+xml;base64," + fs.readFileSync(file).toString("base64");
      const img = await page.evaluate(async (src) => {
        const i = new Image();
        i.src = src;
        try { await i.decode(); } catch (e) { return { error: String(e) }; }
        return { w: i.naturalWidth, h: i.naturalHeight };
      }, data);
      if (img.error || img.w !== doc.w || img.h !== doc.h)
        throw new Error(`${file}: as an image: ${JSON.stringify(img)}, document ${doc.w}x${doc.h}`);
      if (errors.length) throw new Error(`${file}: console errors: ${errors.join("; ")}`);
      console.log(`ok: ${file} ${img.w}x${img.h}`);
    }
  } catch (e) {
    console.error("FAIL: " + e.message);
    failed = true;
  }
  await browser.close();
  process.exit(failed ? 1 : 0);
})();
