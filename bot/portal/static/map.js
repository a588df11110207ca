// The live circle map: when the server announces a new revision, fetch the SVG and swap it in.
// Served as a file so the page's Content-Security-Policy can forbid inline script.
"use strict";

(function () {
  const figure = document.getElementById("map");
  if (!figure || !window.EventSource || !window.DOMParser) {
    return;
  }
  const live = document.getElementById("live");
  // On a phone the map is wider than the screen: start with its middle in view.
  const frame = figure.parentElement;
  if (frame && frame.scrollWidth > frame.clientWidth) {
    frame.scrollLeft = (frame.scrollWidth - frame.clientWidth) / 2;
  }
  let shown = figure.dataset.revision;
  let wanted = shown;
  let loading = false;

  async function load() {
    if (loading || wanted === shown) {
      return;
    }
    loading = true;
    const target = wanted;
    try {
      const response = await fetch(figure.dataset.svg, { cache: "no-store" });
      if (!response.ok) {
        return;
      }
      const text = await response.text();
      const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
      if (svg.namespaceURI !== "http://www.w3.org/2000/svg" || svg.localName !== "svg") {
        return;
      }
      figure.replaceChildren(document.importNode(svg, true));
      shown = svg.getAttribute("data-revision") || target;
      figure.dataset.revision = shown;
    } finally {
      loading = false;
    }
    // Announced again while this one loaded: fetch once more (not again for the same one).
    if (wanted !== target) {
      load();
    }
  }

  const events = new EventSource(figure.dataset.events);
  events.addEventListener("open", function () {
    if (live) {
      live.hidden = false;
    }
  });
  events.addEventListener("error", function () {
    if (live) {
      live.hidden = true;
    }
  });
  events.addEventListener("map", function (event) {
    wanted = event.data;
    load();
  });
})();
