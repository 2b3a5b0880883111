/* @mention autocomplete for comment fields (progressive enhancement: the form works without it).
   ARIA 1.2 combobox pattern on the textarea: a listbox of people, arrow keys to move, Enter or Tab to choose,
   Escape to close; the choice is announced through aria-activedescendant and a polite live region. */
(function () {
  "use strict";
  var counter = 0;

  function currentWord(field) {
    var upto = field.value.slice(0, field.selectionStart);
    var match = /(^|[^\w@.])@([\w.+-]{1,30})$/.exec(upto);
    return match ? { query: match[2], start: upto.length - match[2].length - 1 } : null;
  }

  function enhance(field) {
    var source = field.getAttribute("data-mentions");
    if (!source || !window.fetch) { return; }
    counter += 1;
    var list = document.createElement("ul");
    list.id = "mention-list-" + counter;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", document.documentElement.lang === "en" ? "People to mention" : "Personer att nämna");
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    field.parentNode.insertBefore(list, field.nextSibling);
    field.parentNode.insertBefore(status, list.nextSibling);
    field.setAttribute("role", "combobox");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-expanded", "false");
    field.setAttribute("aria-controls", list.id);
    var people = [], active = -1, pending = null, word = null;

    function close() {
      list.hidden = true; people = []; active = -1;
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) { field.setAttribute("aria-activedescendant", list.children[index].id); }
    }
    function choose(index) {
      var person = people[index];
      if (!person || !word) { return; }
      var before = field.value.slice(0, word.start), after = field.value.slice(field.selectionStart);
      var inserted = "@" + person.username + " ";
      field.value = before + inserted + after;
      var caret = before.length + inserted.length;
      field.setSelectionRange(caret, caret);
      close();
      field.focus();
    }
    function show(found) {
      people = found;
      list.textContent = "";
      found.forEach(function (person, i) {
        var item = document.createElement("li");
        item.id = list.id + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.textContent = person.name + " (@" + person.username + ")";
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(item);
      });
      if (!found.length) { close(); return; }
      list.hidden = false;
      field.setAttribute("aria-expanded", "true");
      highlight(0);
      status.textContent = found.length + (document.documentElement.lang === "en" ? " people found" : " personer hittade");
    }
    field.addEventListener("input", function () {
      word = currentWord(field);
      if (!word) { close(); return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(source + "?q=" + encodeURIComponent(word.query), {
        credentials: "same-origin", headers: { "Accept": "application/json" }, signal: pending.signal
      }).then(function (response) { return response.ok ? response.json() : []; })
        .then(show).catch(function () { /* aborted or offline: typing goes on */ });
    });
    field.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % people.length); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + people.length) % people.length); }
      else if (event.key === "Enter" || event.key === "Tab") { if (active >= 0) { event.preventDefault(); choose(active); } }
      else if (event.key === "Escape") { event.preventDefault(); close(); }
    });
    field.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-mentions]"), enhance);
})();
