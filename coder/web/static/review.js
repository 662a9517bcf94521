// The review page's small behaviours; no build step, no dependency besides htmx.
// 1. Focus or click a form field: its evidence spans in the article light up.
// 2. Click a highlighted span: the first field it is evidence for gets the focus.
// 3. Keyboard: a accept, r reject, j next, k previous, n note, Esc leaves a field.
// 4. Choosing an actor from its completions sets its inter code.
(function () {
  "use strict";

  function light(field) {
    document.querySelectorAll("mark.ev.lit, .field.lit").forEach(function (el) { el.classList.remove("lit"); });
    if (!field) return;
    var first = null;
    document.querySelectorAll("mark.ev").forEach(function (mark) {
      if ((mark.dataset.fields || "").split(" ").indexOf(field) >= 0) {
        mark.classList.add("lit");
        first = first || mark;
      }
    });
    var box = document.querySelector('.field[data-field="' + field + '"]');
    if (box) box.classList.add("lit");
    if (first) first.scrollIntoView({ block: "nearest" });
  }

  // 4. Picking an actor from its completions sets the matching inter code (actor1 -> inter1).
  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (!input.id || !/^f-actor[12]$/.test(input.id) || !input.list) return;
    var inter = document.getElementById("f-inter" + input.id.slice(-1));
    if (!inter) return;
    Array.prototype.forEach.call(input.list.options, function (option) {
      if (option.value === input.value && option.dataset.inter) {
        inter.value = option.dataset.inter;
        inter.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });

  document.addEventListener("focusin", function (ev) {
    var box = ev.target.closest && ev.target.closest(".field[data-field]");
    if (box) light(box.dataset.field);
  });

  document.addEventListener("click", function (ev) {
    var box = ev.target.closest(".field[data-field]");
    if (box) { light(box.dataset.field); return; }
    var mark = ev.target.closest("mark.ev");
    if (mark) {
      var field = (mark.dataset.fields || "").split(" ")[0];
      var input = document.getElementById("f-" + field);
      if (input) input.focus();
      light(field);
      return;
    }
    var link = ev.target.closest("[data-focus]");
    if (link) {
      ev.preventDefault();
      var target = document.getElementById("f-" + link.dataset.focus);
      if (target) target.focus();
      light(link.dataset.focus);
    }
  });

  function editing(el) {
    return el && (el.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName)) && el.type !== "submit";
  }

  function go(id) {
    var link = document.getElementById(id);
    if (link && !link.classList.contains("off") && link.getAttribute("href") !== "#") window.location.href = link.href;
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "Escape") { if (document.activeElement) document.activeElement.blur(); light(null); return; }
    // Enter in a one-line field would submit the form as an accept: only the a key accepts
    if (ev.key === "Enter" && document.activeElement && document.activeElement.tagName === "INPUT") {
      ev.preventDefault();
      return;
    }
    if (editing(document.activeElement)) return;
    var button = null;
    switch (ev.key) {
      case "a": button = document.getElementById("accept"); break;
      case "r": button = document.getElementById("reject"); break;
      case "j": go("next"); break;
      case "k": go("prev"); break;
      case "n": var note = document.getElementById("f-note"); if (note) { ev.preventDefault(); note.focus(); } return;
      default: return;
    }
    if (button) { ev.preventDefault(); button.click(); }
  });
})();
