// browser_test.js - the service browser in a real headless browser (Debian's chromium driven
// by playwright-core; docs/browser.md).  Run by tests/integration/test_browser.py, which starts
// the servers:
//
//   node browser_test.js EXAMPLES_URL RT_URL OUTDIR
//
// EXAMPLES_URL is a ladon-examples server (LADON_EXAMPLE_STEP_MS small), RT_URL the runtime
// tests' rt-server (whose Other service has doc comments made to break out of the page), OUTDIR
// where the screenshots go.  Prints one line per check; exits 0 when all passed, 1 otherwise.
"use strict";
const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const [examples, rt, outdir] = process.argv.slice(2);
if (!examples || !rt || !outdir) {
  console.error("usage: node browser_test.js EXAMPLES_URL RT_URL OUTDIR");
  process.exit(2);
}

let failed = 0;
function check(name, ok, detail) {
  console.log((ok ? "ok   " : "FAIL ") + name + (ok || detail === undefined ? "" : ": " + detail));
  if (!ok) failed++;
}

async function main() {
  // playwright gives the browser a fresh profile folder of its own and removes it at close
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const external = [], consoleErrors = [], dialogs = [];
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (!r.url().startsWith(examples) && !r.url().startsWith(rt) && u.protocol !== "data:") external.push(r.url());
    });
    // a SOAP fault comes with HTTP 500, which chromium logs as a failed load: expected
    page.on("console", (m) => {
      if (m.type() === "error" && !/status of 500/.test(m.text())) consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
    await page.addInitScript(() => { window.__injected = []; });

    // --- home page -> Calculator -------------------------------------------------------
    await page.goto(examples + "/", { waitUntil: "load" });
    const services = await page.$$eval("a.service", (as) => as.map((a) => a.textContent));
    check("home lists the three services", JSON.stringify(services) === JSON.stringify(["Calculator", "TaskService", "InstanceService"]), JSON.stringify(services));
    const wsdls = await page.$$eval("a.wsdl", (as) => as.map((a) => a.getAttribute("href")));
    check("home links each WSDL", wsdls.length === 3 && wsdls.every((h) => /\?wsdl$/.test(h)), JSON.stringify(wsdls));
    await page.click("a.service >> text=Calculator");
    await page.waitForSelector("#op-add");
    check("the service page opened", new URL(page.url()).pathname === "/Calculator", page.url());

    // documentation, rendered by the server (readable without JavaScript)
    const doc = await page.textContent("header p.doc");
    check("service doc shown", doc.includes("A calculator: adds numbers"), doc);
    const addDoc = await page.textContent("#op-add p.doc");
    check("operation doc shown", addDoc === "Adds two integers.", addDoc);
    const recordRows = await page.$$eval("#type-Record tbody tr", (rs) => rs.map((r) => r.textContent));
    check("Record's fields listed", recordRows.length === 16 && recordRows[1].includes("note") && recordRows[1].includes("optional") && recordRows[1].includes("may be absent"), recordRows[1]);
    const levels = await page.$$eval("#type-Level tbody tr", (rs) => rs.map((r) => r.textContent));
    check("Level's values with docs", levels.length === 3 && levels[0].includes("LEVEL_LOW") && levels[0].includes("quiet"), JSON.stringify(levels));
    const inspectParam = await page.textContent("#op-inspect tbody tr");
    check("inspect's parameter links its type", inspectParam.includes("calculator:Record") && (await page.$("#op-inspect a[href='#type-Record']")) !== null, inspectParam);

    // add 2 + 3
    await page.fill(".try[data-op=add] [name=a]", "2");
    await page.fill(".try[data-op=add] [name=b]", "3");
    await page.click(".try[data-op=add] button.primary");
    await page.waitForSelector(".try[data-op=add] .outcome pre.result");
    const addResult = await page.textContent(".try[data-op=add] .outcome pre.result");
    check("add(2, 3) shows 5", addResult.trim() === "result: 5", addResult);
    const rawReq = await page.textContent(".try[data-op=add] .outcome pre.request");
    check("the raw request is shown", rawReq.includes("<calculator:add>") && rawReq.includes("<a>2</a><b>3</b>"), rawReq);
    const rawResp = await page.textContent(".try[data-op=add] .outcome pre.response");
    check("the raw response is shown", rawResp.includes("<result>5</result>"), rawResp);
    await page.locator("#op-add").screenshot({ path: path.join(outdir, "browser-add.png") });

    // a fault is shown as one
    await page.fill(".try[data-op=add] [name=a]", "2147483647");
    await page.fill(".try[data-op=add] [name=b]", "1");
    await page.click(".try[data-op=add] button.primary");
    await page.waitForSelector(".try[data-op=add] .outcome .status.fault");
    const fault = await page.textContent(".try[data-op=add] .outcome .status");
    check("an overflow shows the fault", /Fault .*Client.*overflow/i.test(fault), fault);
    // a bad value is refused before sending
    await page.fill(".try[data-op=add] [name=a]", "two");
    await page.click(".try[data-op=add] button.primary");
    await page.waitForFunction(() => document.querySelector(".try[data-op=add] .outcome .status").textContent.includes("not a valid"));
    const refused = await page.textContent(".try[data-op=add] .outcome .status");
    check("a bad int is refused in the page", refused === 'a: not a valid xsd:int: "two"', refused);
    // as is a character XML cannot carry
    await page.fill(".try[data-op=echo] [name=text]", "bell\u0007");
    await page.click(".try[data-op=echo] button.primary");
    await page.waitForFunction(() => (document.querySelector(".try[data-op=echo] .outcome .status") || {}).textContent === 'text: not a valid xsd:string: "bell\\u0007"');
    check("a control character is refused in the page", true);

    // echo a value that tries to close a textarea and inject markup
    const evil = "</textarea><img src=x onerror=\"window.__injected.push(1)\"><b id=\"evil\">x</b>&amp;";
    await page.fill(".try[data-op=echo] [name=text]", evil);
    await page.click(".try[data-op=echo] button.primary");
    await page.waitForSelector(".try[data-op=echo] .outcome pre.result");
    const echoed = await page.textContent(".try[data-op=echo] .outcome pre.result");
    check("echo returns the text unchanged", echoed === "result: " + evil + "\n", JSON.stringify(echoed));
    check("no markup injected from a value", (await page.$("#evil")) === null && (await page.evaluate(() => window.__injected.length)) === 0);

    // inspect: a nested struct and arrays
    const R = ".try[data-op=inspect] ";
    await page.fill(R + "[name='record.title']", "hello");
    await page.fill(R + "[name='record.count']", "7");
    await page.fill(R + "[name='record.big']", "9000000000");
    await page.fill(R + "[name='record.ratio']", "3.5");
    await page.selectOption(R + "[name='record.enabled']", "true");
    await page.selectOption(R + "[name='record.level']", "LEVEL_MEDIUM");
    await page.fill(R + "[name='record.when']", "2026-12-03T10:00:00Z");
    await page.fill(R + "[name='record.payload']", "AQID"); // bytes 1 2 3
    await page.fill(R + "[name='record.origin.x']", "10");
    await page.fill(R + "[name='record.origin.y']", "20");
    for (const v of ["1", "2", "39"]) {
      await page.click(R + "button.add[data-path='record.values']");
    }
    await page.fill(R + "[name='record.values.0']", "1");
    await page.fill(R + "[name='record.values.1']", "2");
    await page.fill(R + "[name='record.values.2']", "39");
    await page.click(R + "button.add[data-path='record.points']");
    await page.fill(R + "[name='record.points.0.x']", "5");
    await page.fill(R + "[name='record.points.0.y']", "6");
    await page.click(R + "button.add[data-path='record.tags']");
    await page.click(R + "button.add[data-path='record.tags']");
    await page.fill(R + "[name='record.tags.0']", "first");
    await page.fill(R + "[name='record.tags.1']", "second");
    await page.check(R + "[name='record.target?']");
    await page.fill(R + "[name='record.target.x']", "-1");
    await page.fill(R + "[name='record.target.y']", "-2");
    await page.click(R + "button.primary");
    await page.waitForSelector(R + ".outcome pre.result");
    const insp = await page.textContent(R + ".outcome pre.result");
    const want = ["  title: hello", "  note: (none)", "  big_plus_one: 9000000001", "  half_ratio: 1.75",
                  "  not_enabled: false", "  next_level: LEVEL_HIGH", "  next_day: 2026-12-04T10:00:00Z",
                  "  reversed: AwIB", "  moved:\n    x: 11\n    y: 21", "  target:\n    x: -1\n    y: -2",
                  "  values_sum: 42", "  tags: second\n  tags: first", "  points:\n    x: 6\n    y: 5"];
    const missing = want.filter((w) => !insp.includes(w));
    check("inspect with a nested struct and arrays", missing.length === 0, "missing " + JSON.stringify(missing) + " in " + insp);

    // --- a task: start and watch, then cancel another --------------------------------------
    await page.goto(examples + "/TaskService", { waitUntil: "load" });
    const taskRows = await page.$$eval("#task-taskExample table.task-ops tbody tr", (rs) => rs.map((r) => r.firstChild.textContent));
    check("the task shows its six operations", JSON.stringify(taskRows) === JSON.stringify(["taskExample", "taskExample_progress", "taskExample_result", "taskExample_cancel", "taskExample_wait", "taskExample_list"]), JSON.stringify(taskRows));
    const T = ".try[data-op=taskExample][data-task] ";
    await page.fill(T + "[name=session_id]", "s1");
    await page.fill(T + "[name=counter]", "41");
    await page.click(T + "button.primary");
    // watch the bar move: at least three distinct values on the way to 100
    const seen = new Set();
    let shotRunning = false;
    const t0 = Date.now();
    while (Date.now() - t0 < 30000) {
      const v = await page.getAttribute(T + ".bar", "aria-valuenow").catch(() => null);
      if (v !== null) seen.add(Number(v));
      if (v !== null && Number(v) >= 30 && !shotRunning) {
        shotRunning = true;
        await page.locator(T + ".watch").screenshot({ path: path.join(outdir, "browser-task-running.png") });
      }
      const st = await page.textContent(T + ".state").catch(() => "");
      if (st === "done") break;
      await page.waitForTimeout(100);
    }
    await page.waitForSelector(T + ".watch .outcome pre.result", { timeout: 10000 });
    const values = [...seen].sort((a, b) => a - b);
    check("the bar advanced", values.length >= 3 && values.some((v) => v > 0 && v < 100), JSON.stringify(values));
    check("the bar reached 100%", (await page.getAttribute(T + ".bar", "aria-valuenow")) === "100");
    check("the state is done", (await page.textContent(T + ".state")) === "done");
    const taskResult = await page.textContent(T + ".watch .outcome pre.result");
    check("the task's result appears", taskResult.trim() === "result: 41", taskResult);
    await page.locator("#task-taskExample").screenshot({ path: path.join(outdir, "browser-task.png") });

    await page.click(T + "button.primary");
    await page.waitForFunction((sel) => {
      const s = document.querySelector(sel + ".state");
      return s && s.textContent === "running";
    }, T, { timeout: 10000 });
    await page.click(T + "button.cancel");
    await page.waitForFunction((sel) => document.querySelector(sel + ".state").textContent === "cancelled", T, { timeout: 10000 });
    check("a cancelled task shows cancelled", (await page.textContent(T + ".state")) === "cancelled" &&
          (await page.$(T + ".watch .outcome pre.result")) === null && await page.isDisabled(T + "button.cancel"));
    const cancelMsg = await page.textContent(T + ".message");
    check("and its message", cancelMsg.length > 0, JSON.stringify(cancelMsg));

    // --- a server without m_wait: the page polls m_progress instead ---------------------------
    // (the same page with taskExample_wait taken out of its model, as a server whose tasks have
    // no wait operation would describe them; the script's hash is unchanged)
    const noWait = await context.newPage();
    const soapOps = [];
    noWait.on("request", (r) => {
      if (r.method() === "POST") {
        const m = /<taskservice:(\w+)>/.exec(r.postData() || "");
        if (m) soapOps.push(m[1]);
      }
    });
    await noWait.route(examples + "/TaskService", async (route) => {
      const resp = await route.fetch();
      let body = await resp.text();
      body = body.replace(/,?\n\{"name":"taskExample_wait"[^\n]*\}(?=\]|,\n)/, "");
      await route.fulfill({ response: resp, body });
    });
    await noWait.goto(examples + "/TaskService", { waitUntil: "load" });
    const hasWait = await noWait.evaluate(() => JSON.parse(document.getElementById("ladon-model").textContent)
      .operations.some((o) => o.name === "taskExample_wait"));
    check("the rewritten model has no taskExample_wait", hasWait === false);
    await noWait.fill(T + "[name=session_id]", "poll");
    await noWait.fill(T + "[name=counter]", "7");
    await noWait.click(T + "button.primary");
    await noWait.waitForSelector(T + ".watch .outcome pre.result", { timeout: 30000 });
    check("without m_wait the task is followed to its result", (await noWait.textContent(T + ".watch .outcome pre.result")).trim() === "result: 7");
    check("by polling m_progress, never m_wait", soapOps.includes("taskExample_progress") && !soapOps.includes("taskExample_wait"), JSON.stringify([...new Set(soapOps)]));
    await noWait.close();

    check("no request left this server", external.length === 0, JSON.stringify(external));
    check("no script errors on the examples' pages", consoleErrors.length === 0, JSON.stringify(consoleErrors));

    // --- escaping: doc comments made to break out of the page (rt-server's Other) -----------
    const page2 = await context.newPage();
    const errors2 = [];
    page2.on("pageerror", (e) => errors2.push(String(e)));
    page2.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
    await page2.addInitScript(() => { window.__injected = []; });
    await page2.goto(rt + "/Other", { waitUntil: "load" });
    const opDoc = await page2.textContent("#op-ping p.doc");
    check("a <script> doc comment is shown as text", opDoc.includes("<script>window.__injected.push('doc')</script>"), opDoc);
    const scripts = await page2.$$eval("script", (ss) => ss.length);
    check("it adds no script element", scripts === 2, String(scripts));
    await page2.fill(".try[data-op=ping] [name=x]", "4");
    await page2.click(".try[data-op=ping] button.primary");
    await page2.waitForSelector(".try[data-op=ping] .outcome pre.result");
    check("the form still works", (await page2.textContent(".try[data-op=ping] .outcome pre.result")).trim() === "result: 4");
    check("nothing injected ran", (await page2.evaluate(() => window.__injected.length)) === 0 && dialogs.length === 0, JSON.stringify(dialogs));
    check("no script errors on the rt page", errors2.length === 0, JSON.stringify(errors2));

    // --- readable without JavaScript ---------------------------------------------------------
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const page3 = await noJs.newPage();
    await page3.goto(examples + "/Calculator", { waitUntil: "load" });
    check("without JavaScript the docs are there", (await page3.textContent("#op-inspect p.doc")).includes("Computes an Inspection"));
    check("without JavaScript the page says why there is no form", (await page3.$(".try form")) === null && (await page3.textContent("noscript")).includes("need JavaScript"));
    await noJs.close();
  } finally {
    await browser.close();
  }
}

main().then(() => {
  console.log(failed ? failed + " check(s) failed" : "all checks passed");
  process.exit(failed ? 1 : 0);
}, (e) => {
  console.log("FAIL " + (e && e.stack ? e.stack : e));
  process.exit(1);
});
