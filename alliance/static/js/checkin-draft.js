/*
 * Keeps the answers of a check-in form as a draft while it is being filled in, so a reload or a
 * lost connection loses nothing. The draft lives in sessionStorage, keyed by form and client:
 * it belongs to this tab only and is gone when the tab closes, because answers are health data
 * and must not outlive the visit on a shared or lost phone (never localStorage).
 *
 * The idempotency key travels with the draft: if a submission did reach the server before the
 * connection dropped, sending the restored form again returns that first response rather than
 * storing a second. The page shown after a successful submission clears the draft.
 */
(function () {
  "use strict";

  var PREFIX = "alliance-draft:";

  function store() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // storage blocked: the form still works, without a draft
    }
  }

  function read(storage, key) {
    try {
      var parsed = JSON.parse(storage.getItem(PREFIX + key) || "null");
      return parsed && typeof parsed === "object" ? parsed : null;
    } catch (error) {
      return null;
    }
  }

  function answersOf(form) {
    var answers = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "csrfmiddlewaretoken" || field.type === "hidden") {
        return;
      }
      if (field.type === "radio") {
        if (field.checked) answers[field.name] = field.value;
      } else if (field.value !== "") {
        answers[field.name] = field.value;
      }
    });
    return answers;
  }

  function restore(form, draft) {
    var answers = draft.answers || {};
    var restored = false;
    Object.keys(answers).forEach(function (name) {
      var fields = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
      var alreadyAnswered = Array.prototype.some.call(fields, function (field) {
        return field.type === "radio" ? field.checked : field.value !== "";
      });
      if (alreadyAnswered) return; // what the page shows wins over an older draft
      Array.prototype.forEach.call(fields, function (field) {
        if (field.type === "radio") {
          if (field.value === String(answers[name])) {
            field.checked = true;
            restored = true;
          }
        } else {
          field.value = answers[name];
          restored = true;
        }
      });
    });
    var keyField = form.querySelector('input[name="idempotency_key"]');
    if (keyField && draft.key && Object.keys(answers).length) {
      keyField.value = draft.key;
    }
    return restored;
  }

  function watch(form, storage) {
    var key = form.getAttribute("data-draft");
    var status = form.querySelector("[data-draft-status]");
    var draft = read(storage, key);
    var restored = draft ? restore(form, draft) : false;
    if (status) {
      status.textContent = restored
        ? "Your earlier answers in this tab have been filled in. Check them, then save."
        : "Your answers are kept in this tab until you save them.";
      status.hidden = false;
    }
    function save() {
      var keyField = form.querySelector('input[name="idempotency_key"]');
      var payload = { answers: answersOf(form), key: keyField ? keyField.value : "" };
      try {
        storage.setItem(PREFIX + key, JSON.stringify(payload));
      } catch (error) {
        // storage full or refused: keep going without a draft
      }
    }
    form.addEventListener("change", save);
    form.addEventListener("input", save);
  }

  function start() {
    var storage = store();
    if (!storage) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-draft-clear]"), function (el) {
      storage.removeItem(PREFIX + el.getAttribute("data-draft-clear"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), function (form) {
      watch(form, storage);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
