/* How a workshop page learns that the game changed, and draws what changed.

   The page asks /api/state with the version it last saw; the server answers when the
   version changes, or after a few seconds with the same one (sim/workshop/web/
   state_route.py), and the page asks again at once. A new log position ("seq") makes
   the page ask /api/live for the parts of its live column whose fingerprints changed:
   they come as HTML, built and escaped on the server (sim/workshop/web/markup.py),
   which is set in place, and as figures, drawn with Plotly.react. Then the page hands
   Dash the new "seq" (dash_clientside.set_props), which updates the forms' choices.
   The countdown is counted down here, from the seconds left the server sent, and the
   top bar says "live · updated n s ago" or "reconnecting": neither costs a request. An
   idle page so does next to nothing, and a change costs it a few DOM nodes and the
   charts that changed, which is what lets thirty screens share one laptop. Text from
   the server is set as text, except the parts' HTML, which the server escaped. */
(function () {
    "use strict";
    // The server holds a question for 10 s at most; one unanswered for this long is lost.
    var GIVE_UP_MS = 30000;
    var shown = null;      // the turn, phase, log position and server run last shown
    var since = "";        // the version of the last answer
    var changedAt = Date.now();
    var failing = false;
    var timer = null;      // {phase, ends}: the countdown, in this browser's clock
    var job = null;

    function sleep(ms) {
        return new Promise(function (done) { setTimeout(done, ms); });
    }

    function write(id, text) {
        var el = document.getElementById(id);
        if (el && el.textContent !== text) { el.textContent = text; }
    }

    function ago() {
        var s = Math.max(0, Math.round((Date.now() - changedAt) / 1000));
        // Coarse steps: the words change rarely, so the page is rarely drawn again.
        if (s < 2) { return "just now"; }
        if (s < 10) { return s + " s ago"; }
        if (s < 60) { return 10 * Math.floor(s / 10) + " s ago"; }
        return Math.floor(s / 60) + " min ago";
    }

    function showLink() {
        write("link", failing
            ? "reconnecting … (last update " + ago() + ")"
            : "live · updated " + ago());
    }

    // The same words as WebGame.timer_text on the server.
    function showTimer() {
        if (!timer) { write("timer", ""); return; }
        var left = Math.max(0, Math.round((timer.ends - Date.now()) / 1000));
        var rest = left % 60;
        write("timer", left === 0
            ? timer.phase + ": time is up"
            : timer.phase + ": " + Math.floor(left / 60) + ":" + (rest < 10 ? "0" : "") + rest + " left");
    }

    function setProps(id, props) {
        window.dash_clientside.set_props(id, props);
    }

    var drawn = {};  // part: the fingerprint of what it shows
    var markup = {}; // part: the HTML it shows

    function plot(id, figure) {
        var el = document.getElementById(id);
        if (!el || !window.Plotly) { return; }
        window.Plotly.react(el, figure.data || [], figure.layout || {},
                            {displaylogo: false, responsive: true});
    }

    // The parts that changed, from /api/live; throws when they could not be had, so
    // that the page asks again instead of going on showing the old state.
    async function draw() {
        var search = window.location.search || "";
        var have = Object.keys(drawn).map(function (k) { return k + "." + drawn[k]; });
        var answer = await fetch("/api/live" + search + (search ? "&" : "?") + "have="
                                 + encodeURIComponent(have.join(",")), {cache: "no-store"});
        if (!answer.ok) { throw new Error(String(answer.status)); }
        var got = await answer.json();
        Object.keys(got.parts).forEach(function (name) {
            var part = got.parts[name];
            var el = document.getElementById("part-" + name);
            if (!el) { return; }
            if (markup[name] !== part.html) {
                if (window.Plotly) {
                    el.querySelectorAll(".js-plotly-plot").forEach(window.Plotly.purge);
                }
                el.innerHTML = part.html;
                markup[name] = part.html;
            }
            Object.keys(part.figures).forEach(function (id) { plot(id, part.figures[id]); });
        });
        drawn = got.keys;
        return got;
    }

    async function apply(s) {
        var moved = !shown || shown.seq !== s.seq || shown.epoch !== s.epoch
            || shown.turn !== s.turn || shown.phase !== s.phase;
        if (moved) {
            // The turn and phase the drawn parts show (the server may have moved on since
            // it answered): the page's actions say them, and a past phase is refused.
            var got = await draw();
            changedAt = Date.now();
            shown = {seq: got.seq, turn: got.turn, phase: got.phase, epoch: s.epoch, at: changedAt};
            setProps("seq", {data: shown});
        }
        timer = s.timer ? {phase: s.timer.phase, ends: Date.now() + 1000 * s.timer.left} : null;
        if (s.job !== job) {
            job = s.job;
            setProps("job", {children: s.job});
        }
        showTimer();
    }

    // A Withdraw button of a team's live part is HTML, outside Dash: its click is handed
    // to the team page's withdraw callback.
    var clicks = 0;
    document.addEventListener("click", function (event) {
        var button = event.target.closest && event.target.closest("#live button[data-order]");
        if (!button) { return; }
        clicks += 1;
        setProps("team-withdraw", {data: {order: button.dataset.order, click: clicks}});
    });

    async function ask(retryMs) {
        var search = window.location.search || "";
        var url = "/api/state" + search + (search ? "&" : "?") + "since=";
        for (;;) {
            var quit = new AbortController();
            var watch = setTimeout(function () { quit.abort(); }, GIVE_UP_MS);
            try {
                var answer = await fetch(url + encodeURIComponent(since),
                                         {cache: "no-store", signal: quit.signal});
                if (answer.status === 403) { return; }  // a wrong code: the page says so
                if (!answer.ok) { throw new Error(String(answer.status)); }
                var s = await answer.json();
                await apply(s);
                since = s.v;
                failing = false;
                showLink();
            } catch (e) {
                // the server did not answer, or the page could not be drawn: ask again
                since = "";
                failing = true;
                showLink();
                await sleep(retryMs);
            } finally {
                clearTimeout(watch);
            }
        }
    }

    // Ask once Dash has drawn the page (its stores exist, so a new seq is heard).
    async function start() {
        var page = document.getElementById("page");
        while (!page || !window.dash_clientside || !window.dash_clientside.set_props) {
            await sleep(100);
            page = document.getElementById("page");
        }
        setInterval(function () { showTimer(); showLink(); }, 1000);
        ask(Number(page.dataset.retry) || 500);
    }

    start();
}());
