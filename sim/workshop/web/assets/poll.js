/* How a workshop page learns that the game changed: one question held by the server.

   The page asks /api/state with the version it last saw; the server answers when the
   version changes, or after a few seconds with the same one (sim/workshop/web/
   state_route.py), and the page asks again at once. A change hands the page a new
   "seq", which is what asks the server for the parts of the page that changed (the
   render_live callback); the console's background work goes in its banner. The
   countdown is counted down here, from the seconds left the server sent, and the top
   bar says "live · updated n s ago" or "reconnecting": neither costs a request. An idle
   page so does next to nothing, which is what lets thirty screens share one laptop.
   Nothing here reads or shows text from the server other than the timer's phase and
   the console's job line, which are set as text. */
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
    var asking = null;     // the question open now (aborted to ask again at once)
    var again = false;     // the question was aborted for a new drawing, not lost

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

    function apply(s) {
        var moved = !shown || shown.seq !== s.seq || shown.epoch !== s.epoch
            || shown.turn !== s.turn || shown.phase !== s.phase;
        if (moved) {
            changedAt = Date.now();
            shown = {seq: s.seq, turn: s.turn, phase: s.phase, epoch: s.epoch, at: changedAt};
            setProps("seq", {data: shown});
        }
        timer = s.timer ? {phase: s.timer.phase, ends: Date.now() + 1000 * s.timer.left} : null;
        if (s.job !== job) {
            job = s.job;
            setProps("job", {children: s.job});
        }
        showTimer();
    }

    // A drawing of the page (the render_live callback) that fails, because the server
    // is busy or restarting, is asked for again; else the page would go on showing the
    // old state until the game next changes.
    function redraw() {
        since = "";
        shown = null;
        again = true;
        if (asking) { asking.abort(); }
    }

    var send = window.fetch.bind(window);
    window.fetch = function (resource, init) {
        var url = typeof resource === "string" ? resource : (resource && resource.url) || "";
        var drawing = url.indexOf("_dash-update-component") >= 0 && init
            && typeof init.body === "string" && init.body.indexOf("part-header.children") >= 0;
        var sent = send(resource, init);
        if (!drawing) { return sent; }
        return sent.then(function (answer) {
            if (!answer.ok && answer.status !== 204) { redraw(); }
            return answer;
        }, function (error) { redraw(); throw error; });
    };

    async function ask(retryMs) {
        var search = window.location.search || "";
        var url = "/api/state" + search + (search ? "&" : "?") + "since=";
        for (;;) {
            var quit = new AbortController();
            asking = quit;
            var watch = setTimeout(function () { quit.abort(); }, GIVE_UP_MS);
            try {
                var answer = await fetch(url + encodeURIComponent(since),
                                         {cache: "no-store", signal: quit.signal});
                if (answer.status === 403) { return; }  // a wrong code: the page says so
                if (!answer.ok) { throw new Error(String(answer.status)); }
                var s = await answer.json();
                failing = false;
                again = false;
                since = s.v;
                apply(s);
                showLink();
            } catch (e) {
                if (again) {  // not a lost question: a drawing to ask for again
                    again = false;
                } else {
                    failing = true;
                    showLink();
                }
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
