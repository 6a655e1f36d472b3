// Upload page: drag-and-drop, then the file goes to the API with a progress bar: resumable
// (tus, /api/v1/uploads/: pause/resume, retries after a network error) when tus-js-client is
// loaded, else one multipart XMLHttpRequest to /api/v1/videos/.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  if (!form) return;
  const input = form.querySelector('input[type="file"]');
  const zone = document.getElementById("dropzone");
  const zoneText = document.getElementById("dropzone-text");
  const box = document.getElementById("upload-progress");
  const bar = document.getElementById("upload-bar");
  const text = document.getElementById("upload-text");
  const errorBox = document.getElementById("upload-error");
  const button = document.getElementById("upload-button");
  const maxBytes = Number(form.dataset.maxBytes || 0);

  const advanced = document.getElementById("advanced-options");

  // Sizes in the unit that reads best: "512 B", "512 KB", "3.4 MB", "1.2 GB" (1 KB = 1024 B).
  function humanSize(bytes) {
    const units = ["B", "KB", "MB", "GB", "TB"];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
    const digits = unit === 0 || value >= 100 ? 0 : 1;
    return value.toFixed(digits).replace(/\.0$/, "") + " " + units[unit];
  }

  // Problems go to the top of the form, scrolled into view and focused (read out: role=alert).
  // fieldProblems: {field name: [messages]}, each linked to its field.
  function showError(message, fieldProblems) {
    errorBox.replaceChildren();
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (old) {
      old.removeAttribute("aria-invalid");
    });
    const line = document.createElement("p");
    line.textContent = message;
    errorBox.appendChild(line);
    const names = Object.keys(fieldProblems || {});
    if (names.length) {
      const list = document.createElement("ul");
      list.className = "error-summary";
      names.forEach(function (name) {
        const field = document.getElementById("id_" + name);
        const item = document.createElement("li");
        const problems = [].concat(fieldProblems[name]).join(" ");
        if (field) {
          const link = document.createElement("a");
          link.href = "#id_" + name;
          const label = form.querySelector('label[for="id_' + name + '"]') || field.querySelector("legend");
          link.textContent = label ? label.firstChild.textContent.trim() : name;
          item.appendChild(link);
          item.appendChild(document.createTextNode(": " + problems));
          field.setAttribute("aria-invalid", "true");
          if (advanced && advanced.contains(field)) advanced.open = true;
        } else {
          item.textContent = name + ": " + problems;
        }
        list.appendChild(item);
      });
      errorBox.appendChild(list);
    }
    errorBox.hidden = false;
    errorBox.scrollIntoView({block: "start"});
    errorBox.focus({preventScroll: true});
  }

  function describeFile() {
    const file = input.files && input.files[0];
    zoneText.textContent = file ? file.name + " (" + humanSize(file.size) + ")"
      : "Drop a video here, or click to choose one";
  }

  // A page the server answered with problems: the same, at the top and in view.
  if (!errorBox.hidden) {
    errorBox.scrollIntoView({block: "start"});
    errorBox.focus({preventScroll: true});
  }

  input.addEventListener("change", describeFile);
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.remove("dragging");
    });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      describeFile();
    }
  });

  // The API's error body ({code, detail, fields}) as showError's arguments.
  function showResponseError(status, text) {
    let body = null;
    try { body = JSON.parse(text); } catch (e) { body = null; }
    if (status === 413) {
      showError((body && body.detail) || "The file is larger than the upload limit.");
    } else if (body && body.fields && Object.keys(body.fields).length) {
      showError("The upload was refused: check these fields.", body.fields);
    } else if (body && body.detail) {
      showError((body.code ? body.code + ": " : "") + body.detail);
    } else {
      showError("Upload failed (HTTP " + status + ").");
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    const file = input.files && input.files[0];
    if (!file) { showError("Choose a video file first."); return; }
    if (maxBytes && file.size > maxBytes) {
      showError("The file is " + humanSize(file.size) + ", over the upload limit of " +
                humanSize(maxBytes) + ".");
      return;
    }
    const data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    for (const [key, value] of Array.from(data.entries())) {
      if (value === "") data.delete(key);
    }
    const analyze = form.querySelector('input[name="analyze"]');
    data.set("analyze", analyze && analyze.checked ? "true" : "false");
    if (window.tus && window.tus.isSupported && form.dataset.tusUrl) {
      sendResumable(file, data);
      return;
    }

    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.dataset.apiUrl);
    xhr.setRequestHeader("X-CSRFToken", form.querySelector('input[name="csrfmiddlewaretoken"]').value);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      const percent = Math.round((e.loaded / e.total) * 100);
      bar.value = percent;
      text.textContent = humanSize(e.loaded) + " of " + humanSize(e.total) + " (" + percent + "%)";
    });
    xhr.upload.addEventListener("load", function () {
      text.textContent = "Checking the video…";
    });
    xhr.addEventListener("load", function () {
      button.disabled = false;
      if (xhr.status === 201) {
        const body = JSON.parse(xhr.responseText);
        window.location.assign((body.analysis && body.analysis.page_url) || body.video.page_url);
        return;
      }
      box.hidden = true;
      showResponseError(xhr.status, xhr.responseText);
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      box.hidden = true;
      showError("The upload was interrupted (network error, or the server refused the file).");
    });
    button.disabled = true;
    box.hidden = false;
    bar.value = 0;
    text.textContent = "0%";
    xhr.send(data);
  });
  // --- Resumable upload (tus) ----------------------------------------------------------------
  const pauseButton = document.getElementById("upload-pause");
  const resumeButton = document.getElementById("upload-resume");
  let resumable = null;

  function setPaused(paused) {
    if (pauseButton) pauseButton.hidden = paused;
    if (resumeButton) resumeButton.hidden = !paused;
  }

  function uploadEnded() {
    resumable = null;
    button.disabled = false;
    if (pauseButton) pauseButton.hidden = true;
    if (resumeButton) resumeButton.hidden = true;
  }

  // The form's fields as tus metadata (several values of one field: comma-separated).
  function uploadMetadata(file, data) {
    const metadata = { filename: file.name, filetype: file.type || "" };
    for (const [key, value] of data.entries()) {
      if (key === "file") continue;
      metadata[key] = key in metadata ? metadata[key] + "," + value : String(value);
    }
    return metadata;
  }

  function openResult(uploadUrl) {
    text.textContent = "Opening the results…";
    fetch(uploadUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        window.location.assign((body.analysis && body.analysis.page_url) || body.video.page_url);
      })
      .catch(function () { uploadEnded(); showError("Uploaded, but the result could not be read."); });
  }

  function sendResumable(file, data) {
    const csrf = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
    resumable = new window.tus.Upload(file, {
      endpoint: form.dataset.tusUrl,
      chunkSize: 16 * 1048576,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
      metadata: uploadMetadata(file, data),
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      storeFingerprintForResuming: false,
      onProgress: function (sent, total) {
        const percent = total ? Math.round((sent / total) * 100) : 0;
        bar.value = percent;
        text.textContent = sent === total ? "Checking the video…"
          : humanSize(sent) + " of " + humanSize(total) + " (" + percent + "%)";
      },
      onSuccess: function () { openResult(resumable.url); },
      onError: function (error) {
        const response = error.originalResponse;
        uploadEnded();
        box.hidden = true;
        if (response) showResponseError(response.getStatus(), response.getBody());
        else showError("The upload was interrupted (" + error.message + ").");
      },
    });
    button.disabled = true;
    box.hidden = false;
    bar.value = 0;
    text.textContent = "0%";
    setPaused(false);
    resumable.start();
  }

  if (pauseButton) {
    pauseButton.addEventListener("click", function () {
      if (!resumable) return;
      resumable.abort(false);  // stop sending; the server keeps what arrived
      setPaused(true);
      text.textContent = "Paused at " + bar.value + "%";
    });
  }
  if (resumeButton) {
    resumeButton.addEventListener("click", function () {
      if (!resumable) return;
      setPaused(false);
      resumable.start();  // asks the server's offset, sends the rest
    });
  }
})();
