// Autocomplete for the search box: fills the input's datalist with matching titles as the user types.
(function () {
  "use strict";
  const input = document.getElementById("search-q");
  const list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) { return; }
  let timer = null;
  let latest = 0;
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    const value = input.value.trim();
    if (value.length < 2) { list.replaceChildren(); return; }
    timer = window.setTimeout(function () {
      const asked = ++latest;
      fetch(input.dataset.autocompleteUrl + "?q=" + encodeURIComponent(value), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          if (asked !== latest) { return; }
          list.replaceChildren.apply(list, data.results.map(function (title) {
            const option = document.createElement("option");
            option.value = title;
            return option;
          }));
        })
        .catch(function () { /* autocomplete is a convenience; the form works without it */ });
    }, 150);
  });
})();
