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
  let failures = 0;
  let retry = null;

  // One fetch of the SVG; throws when it could not be shown.
  async function fetchAndShow(target) {
    const response = await fetch(figure.dataset.svg, { cache: "no-store" });
    if (!response.ok) {
      throw new Error("map.svg answered " + response.status);
    }
    const text = await response.text();
    const svg = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
    if (svg.namespaceURI !== "http://www.w3.org/2000/svg" || svg.localName !== "svg") {
      throw new Error("map.svg is not an SVG");
    }
    figure.replaceChildren(document.importNode(svg, true));
    shown = svg.getAttribute("data-revision") || target;
    figure.dataset.revision = shown;
  }

  // Never rejects: a failed fetch is tried again after 1, 2, 4 ... up to 30 seconds, so the
  // page does not stay stale until the next change, and the console shows no unhandled error.
  async function load() {
    if (loading || retry !== null || wanted === shown) {
      return;
    }
    loading = true;
    const target = wanted;
    let failed = false;
    try {
      await fetchAndShow(target);
      failures = 0;
    } catch (error) {
      failed = true;
      failures += 1;
    } finally {
      loading = false;
    }
    if (failed) {
      const delay = Math.min(30000, 1000 * Math.pow(2, failures - 1));
      retry = window.setTimeout(function () {
        retry = null;
        load();
      }, delay);
    } else if (wanted !== target) {
      // Announced again while this one loaded: fetch once more (not again for the same one).
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
