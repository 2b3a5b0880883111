/* Board enhancements (the board works without this): drag and drop between columns, Alt+arrow keys on a card's
   buttons, and focus kept on the moved sprint after the page reloads. Every move is the same form post. */
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  var form = document.getElementById("dnd-form");
  if (!board || !form) { return; }
  var template = board.getAttribute("data-move-url-template");

  function submitMove(sprintId, status, position) {
    form.action = template.replace(/\/0\/move\/$/, "/" + sprintId + "/move/");
    form.elements.status.value = status;
    form.elements.position.value = position;
    try { sessionStorage.setItem("stigar-moved", sprintId); } catch (e) { /* private mode: focus is lost, nothing else */ }
    form.submit();
  }

  // Restore focus to the sprint that was just moved, so keyboard users continue where they were.
  try {
    var moved = sessionStorage.getItem("stigar-moved");
    sessionStorage.removeItem("stigar-moved");
    var target = moved ? document.getElementById("sprint-" + moved) : (location.hash ? document.querySelector(location.hash) : null);
    if (target && target.classList.contains("sprint-card")) {
      target.classList.add("is-moved");
      var first = target.querySelector(".move-form button") || target;
      first.focus({ preventScroll: false });
    }
  } catch (e) { /* no storage */ }

  board.addEventListener("submit", function (event) {
    var card = event.target.closest(".sprint-card");
    if (card) { try { sessionStorage.setItem("stigar-moved", card.getAttribute("data-sprint")); } catch (e) {} }
  });

  board.addEventListener("keydown", function (event) {
    if (!event.altKey) { return; }
    var direction = { ArrowLeft: "left", ArrowRight: "right", ArrowUp: "up", ArrowDown: "down" }[event.key];
    var card = event.target.closest(".sprint-card");
    if (!direction || !card) { return; }
    var button = card.querySelector('[data-move="' + direction + '"]');
    if (button) { event.preventDefault(); button.click(); }
  });

  var dragged = null;
  board.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".sprint-card");
    if (!dragged) { return; }
    dragged.classList.add("is-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-sprint"));
  });
  board.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("is-dragging"); }
    board.querySelectorAll(".is-drop-target").forEach(function (el) { el.classList.remove("is-drop-target"); });
    dragged = null;
  });
  board.addEventListener("dragover", function (event) {
    var column = event.target.closest(".board__column");
    if (!dragged || !column) { return; }
    event.preventDefault();
    board.querySelectorAll(".is-drop-target").forEach(function (el) { if (el !== column) { el.classList.remove("is-drop-target"); } });
    column.classList.add("is-drop-target");
  });
  board.addEventListener("drop", function (event) {
    var column = event.target.closest(".board__column");
    if (!dragged || !column) { return; }
    event.preventDefault();
    // The drop position is the number of cards above the pointer in the target column.
    var cards = Array.prototype.filter.call(column.querySelectorAll(".sprint-card"), function (c) { return c !== dragged; });
    var position = cards.filter(function (c) {
      var box = c.getBoundingClientRect();
      return box.top + box.height / 2 < event.clientY;
    }).length;
    submitMove(dragged.getAttribute("data-sprint"), column.getAttribute("data-status"), position);
  });
}());
