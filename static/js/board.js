// Drag and drop on the pipeline board (progressive enhancement: without JavaScript each card
// keeps its own move form). A drop posts to the card's move endpoint, which runs the same
// service as the form; a refused move puts the card back and shows the service's message.
document.addEventListener("DOMContentLoaded", () => {
  const board = document.querySelector("[data-board]");
  if (!board || typeof Sortable === "undefined") return;
  const status = document.querySelector("[data-board-status]");
  const hint = document.querySelector("[data-board-hint]");
  const token = document.querySelector("[name=csrfmiddlewaretoken]");
  if (hint) hint.hidden = false;

  const say = (text, isError) => {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  };

  const putBack = (event) => {
    const before = event.from.children[event.oldIndex] || null;
    event.from.insertBefore(event.item, before);
  };

  const move = async (event) => {
    if (event.from === event.to) return;
    const card = event.item;
    const body = new FormData();
    body.append("stage", event.to.dataset.stageList);
    card.classList.add("moving");
    try {
      const response = await fetch(card.dataset.moveUrl, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
      });
      let answer = {};
      try {
        answer = await response.json();
      } catch (error) {
        answer = {};
      }
      if (response.ok) {
        // The page is drawn afresh so that each card's form offers its new legal moves.
        window.location.reload();
        return;
      }
      putBack(event);
      say((answer.errors || [board.dataset.failed]).join(" "), true);
    } catch (error) {
      putBack(event);
      say(board.dataset.failed, true);
    } finally {
      card.classList.remove("moving");
    }
  };

  board.querySelectorAll("[data-stage-list]").forEach((list) => {
    Sortable.create(list, {
      group: "deals",
      draggable: "[data-move-url]",
      filter: "input, select, button, textarea",
      preventOnFilter: false,
      forceFallback: true, // pointer events: mouse, pen and touch alike
      fallbackTolerance: 4,
      animation: 120,
      onEnd: move,
    });
  });
});
