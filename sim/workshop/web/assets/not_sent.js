/* A click that does not reach the server must not be lost in silence.

   Every action of a workshop page (Submit, Ready, Next phase, Commit ...) is a Dash
   callback posted with fetch; when the server is down (a laptop restarting) or refuses
   the request (429: too many requests from this page), Dash drops the failure without a
   word. This wraps window.fetch: when an action's request fails, a banner says that the
   click was not sent and what to do; the next action that gets an answer takes it away
   (so does a click on the banner). Nothing here reads or shows text from the server. */
(function () {
    "use strict";
    // The callbacks that carry a person's action write one of these messages.
    var ACTIONS = ["ctl-msg.children", "team-msg.children", "ctl-aar-msg.children"];
    var send = window.fetch.bind(window);

    function isAction(resource, init) {
        var url = typeof resource === "string" ? resource : (resource && resource.url) || "";
        if (url.indexOf("_dash-update-component") < 0 || !init || typeof init.body !== "string") {
            return false;
        }
        return ACTIONS.some(function (output) { return init.body.indexOf(output) >= 0; });
    }

    function banner() {
        var box = document.getElementById("not-sent");
        if (!box) {
            box = document.createElement("div");
            box.id = "not-sent";
            box.setAttribute("role", "alert");
            box.className = "alert alert-danger not-sent";
            box.title = "click to close";
            box.addEventListener("click", function () { box.hidden = true; });
            document.body.appendChild(box);
        }
        return box;
    }

    function show(text) {
        var box = banner();
        box.textContent = text;
        box.hidden = false;
    }

    function hide() {
        var box = document.getElementById("not-sent");
        if (box) { box.hidden = true; }
    }

    window.fetch = function (resource, init) {
        if (!isAction(resource, init)) {
            return send(resource, init);
        }
        return send(resource, init).then(function (answer) {
            if (answer.status === 429) {
                show("Not sent: this page sent too many requests at once. "
                     + "Wait a moment and try again.");
            } else if (answer.status >= 500) {
                show("Not done: the server could not take this action (HTTP "
                     + answer.status + "). Check the page and try again.");
            } else if (answer.ok || answer.status === 204) {
                hide();
            }
            return answer;
        }, function (error) {
            show("Not sent: no answer from the server (it may be restarting). "
                 + "When the top bar says live again, check the page and try again.");
            throw error;
        });
    };
})();
