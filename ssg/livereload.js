// ssg serve: live reload. Injected by the preview server only; never part of a build.
(function () {
  "use strict";
  var settings = window.__ssg;
  var scrollKey = "ssg-scroll:" + location.pathname;
  var overlayId = "ssg-error-overlay";

  function restoreScroll() {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved === null) return;
    sessionStorage.removeItem(scrollKey);
    var position = JSON.parse(saved);
    window.scrollTo(position[0], position[1]);
  }
  if (document.readyState === "complete") restoreScroll();
  else window.addEventListener("load", restoreScroll);

  function reload() {
    sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY]));
    location.reload();
  }

  function stylesheets(doc) {
    return Array.prototype.filter.call(doc.querySelectorAll('link[rel~="stylesheet"]'), function (link) {
      return new URL(link.getAttribute("href"), location.href).origin === location.origin;
    });
  }

  // Swap each stylesheet for the one the rebuilt page links (its name may carry a new
  // fingerprint), loading the new one before removing the old, so nothing flashes.
  function swapStylesheets() {
    fetch(location.href, { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = stylesheets(new DOMParser().parseFromString(html, "text/html"));
        var current = stylesheets(document);
        if (fresh.length !== current.length) { reload(); return; }
        var stamp = String(Date.now());
        current.forEach(function (old, index) {
          var url = new URL(fresh[index].getAttribute("href"), location.href);
          url.searchParams.set("ssg-reload", stamp);
          var link = old.cloneNode();
          link.href = url.href;
          link.addEventListener("load", function () { old.remove(); });
          link.addEventListener("error", function () { old.remove(); });
          old.after(link);
        });
      })
      .catch(reload);
  }

  function element(tag, style, text) {
    var node = document.createElement(tag);
    if (style) node.style.cssText = style;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showProblems(problems) {
    removeOverlay();
    if (!problems.length) return;
    var overlay = element("div",
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
      "background:rgba(20,20,20,.94);color:#f5f5f5;font:15px/1.5 ui-monospace,monospace;text-align:left");
    overlay.id = overlayId;
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "Build failed");
    overlay.appendChild(element("h2", "margin:0 0 1rem;color:#ff8a80;font-size:1.3rem",
      "Build failed: the page below is the last good build"));
    problems.forEach(function (problem) {
      var box = element("section", "margin:0 0 1.5rem;padding:1rem;border-left:4px solid #ff5252;background:#2a2a2a");
      box.className = "ssg-problem";
      var where = problem.path ? problem.path + (problem.line ? ":" + problem.line : "") : "";
      if (where) {
        var location_ = element("p", "margin:0 0 .5rem;color:#80d8ff;font-weight:bold", where);
        location_.className = "ssg-problem-location";
        box.appendChild(location_);
      }
      var message = (problem.field ? "field '" + problem.field + "': " : "") + problem.message;
      var text = element("p", "margin:0 0 .5rem;white-space:pre-wrap", message);
      text.className = "ssg-problem-message";
      box.appendChild(text);
      if (problem.hint) box.appendChild(element("p", "margin:0 0 .5rem;color:#c5e1a5", "hint: " + problem.hint));
      if (problem.source && problem.source.length) {
        var pre = element("pre", "margin:0;padding:.5rem;background:#111;overflow:auto");
        problem.source.forEach(function (row) {
          var line = element("div", row[2] ? "background:#5c1f1f" : "",
            String(row[0]).padStart(5, " ") + "  " + row[1]);
          pre.appendChild(line);
        });
        box.appendChild(pre);
      }
      overlay.appendChild(box);
    });
    overlay.appendChild(element("p", "color:#bbb",
      "Fix the file and save: this message goes away by itself."));
    document.body.appendChild(overlay);
  }

  function removeOverlay() {
    var old = document.getElementById(overlayId);
    if (old) old.remove();
  }

  var handlers = {
    hello: function (data) {
      if (data.generation !== settings.generation) { reload(); return; }
      showProblems(data.problems);
    },
    reload: function () { reload(); },
    css: function (data) {
      settings.generation = data.generation;
      removeOverlay();
      swapStylesheets();
    },
    problems: function (data) { showProblems(data.problems); },
    clear: function () { removeOverlay(); }
  };
  function handle(name, data) {
    if (Object.prototype.hasOwnProperty.call(handlers, name)) handlers[name](data);
  }

  // One event stream for all the preview's tabs. Each stream holds a connection for good,
  // and a browser opens at most six to one host: with six tabs each on its own stream,
  // no page could load, nor any tab reload. The tab holding a Web Lock listens and passes
  // every event on to the others over a BroadcastChannel; when it goes, another takes
  // the lock. Where either is missing (a page that is not a secure context, such as the
  // preview opened from another machine), each tab listens for itself.
  var channel = "BroadcastChannel" in window ? new BroadcastChannel("ssg-livereload") : null;
  var state = null; // what the listening tab knows: {generation, problems}

  function remember(name, data) {
    if (name === "hello") state = { generation: data.generation, problems: data.problems };
    else if (!state) return;
    else if (name === "reload" || name === "css") state = { generation: data.generation, problems: [] };
    else if (name === "problems") state.problems = data.problems;
    else if (name === "clear") { state.generation = data.generation; state.problems = []; }
  }

  function listen() {
    var source = new EventSource(settings.events);
    Object.keys(handlers).forEach(function (name) {
      source.addEventListener(name, function (event) {
        var data = JSON.parse(event.data);
        remember(name, data);
        if (channel) channel.postMessage({ name: name, data: data });
        handle(name, data);
      });
    });
  }

  if (channel && navigator.locks) {
    channel.onmessage = function (event) {
      var message = event.data;
      if (message.name === "ask") {
        if (state) channel.postMessage({ name: "hello", data: state });
        return;
      }
      handle(message.name, message.data);
    };
    navigator.locks.request("ssg-livereload", function () {
      listen();
      return new Promise(function () {}); // held until this tab goes away
    });
    channel.postMessage({ name: "ask" }); // the listening tab answers with what it knows
  } else {
    listen();
  }
})();