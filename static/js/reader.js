// The reader's timeline: one request per action, the filter panel kept open across updates,
// the actor combobox (WAI-ARIA pattern) and the year rail showing where the reader is.
// Everything here improves a page that already works without it.
(function () {
  "use strict";

  var WIDE = "(min-width: 64rem)";
  var NARROW = "(max-width: 48rem)";
  var panelWasOpen = null;
  var scrollToResults = false;

  function byId(id) { return document.getElementById(id); }

  // A ticked box or a chosen order applies at once; text fields apply with Enter or the
  // button. Listening to "change" on the form itself sent two requests for one Enter.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.form || field.form.id !== "filters") return;
    if (field.type === "checkbox" || field.tagName === "SELECT") field.form.requestSubmit();
  });

  document.addEventListener("submit", function (event) {
    if (event.target.id !== "filters") return;
    // The "Show events" button or Enter: on a phone, bring the results into view afterwards.
    scrollToResults = Boolean(event.submitter);
    var panel = byId("filter-panel");
    panelWasOpen = panel ? panel.open : null;
  }, true);

  // Empty fields and the default order never go into a request or the address bar.
  document.addEventListener("htmx:configRequest", function (event) {
    var data = event.detail.formData;
    if (!data || event.detail.verb !== "get") return;
    var kept = [];
    data.forEach(function (value, name) {
      var empty = typeof value === "string" && !value.trim();
      if (!empty && !(name === "sort" && value === "newest")) kept.push([name, value]);
    });
    Array.from(new Set(Array.from(data.keys()))).forEach(function (name) { data.delete(name); });
    kept.forEach(function (pair) { data.append(pair[0], pair[1]); });
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "timeline") return;
    var panel = byId("filter-panel");
    if (panel && panelWasOpen !== null) panel.open = panelWasOpen;
    openPanelOnWideScreens();
    if (scrollToResults && window.matchMedia(NARROW).matches) {
      var results = byId("results");
      if (results) results.scrollIntoView({ block: "start" });
    }
    scrollToResults = false;
    markYearInView();
  });

  function openPanelOnWideScreens() {
    var panel = byId("filter-panel");
    if (panel && window.matchMedia(WIDE).matches) panel.open = true;
  }

  // ---- Actor combobox ------------------------------------------------------------------
  var active = -1;

  function options() {
    var list = byId("actor-suggestions");
    return list ? Array.from(list.querySelectorAll("[role=option]:not([aria-disabled=true])")) : [];
  }

  function setExpanded(open) {
    var input = byId("actor-search");
    var list = byId("actor-suggestions");
    if (!input || !list) return;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) {
      active = -1;
      input.removeAttribute("aria-activedescendant");
    }
  }

  function highlight(index) {
    var all = options();
    var input = byId("actor-search");
    if (!all.length || !input) return;
    active = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function pick(option) {
    var input = byId("actor-search");
    var form = byId("filters");
    if (!option || !input || !form) return;
    var chosen = document.createElement("input");
    chosen.type = "hidden";
    chosen.name = "actor";
    chosen.value = option.getAttribute("data-value");
    form.appendChild(chosen);
    input.value = "";
    setExpanded(false);
    form.requestSubmit();
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "actor-suggestions") {
      var list = event.detail.target;
      var input = byId("actor-search");
      var typed = input && input.value.trim();
      setExpanded(Boolean(typed) && list.children.length > 0);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (!event.target || event.target.id !== "actor-search") return;
    var list = byId("actor-suggestions");
    var open = list && !list.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open && options().length) setExpanded(true);
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (open) highlight(active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      pick(options()[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      setExpanded(false);
    }
  });

  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest("#actor-suggestions [role=option]");
    if (option && option.getAttribute("aria-disabled") !== "true") {
      event.preventDefault(); // keep focus in the box until the choice is made
      pick(option);
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target && event.target.id === "actor-search") setExpanded(false);
  });

  // ---- Year rail: mark the year the reader is looking at ---------------------------------
  var ticking = false;

  function markYearInView() {
    ticking = false;
    var markers = document.querySelectorAll("#event-list .marker.year");
    var current = null;
    markers.forEach(function (marker) {
      if (marker.getBoundingClientRect().top < window.innerHeight / 3) {
        current = marker.id.slice(1);
      }
    });
    if (current === null && markers.length) current = markers[0].id.slice(1);
    document.querySelectorAll(".rail .slot[data-year]").forEach(function (slot) {
      slot.classList.toggle("here", slot.getAttribute("data-year") === current);
    });
  }

  window.addEventListener("scroll", function () {
    if (!ticking) {
      ticking = true;
      window.requestAnimationFrame(markYearInView);
    }
  }, { passive: true });

  document.addEventListener("DOMContentLoaded", function () {
    openPanelOnWideScreens();
    markYearInView();
  });
  document.addEventListener("htmx:load", function () { markYearInView(); });
})();
