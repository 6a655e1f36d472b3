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

  function mb(bytes) { return (bytes / 1048576).toFixed(1) + " MB"; }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function describeFile() {
    const file = input.files && input.files[0];
    zoneText.textContent = file ? file.name + " (" + mb(file.size) + ")"
      : "Drop a video here, or click to choose one";
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

  function errorMessage(xhr) {
    return responseMessage(xhr.status, xhr.responseText);
  }

  function responseMessage(status, text) {
    let body = null;
    try { body = JSON.parse(text); } catch (e) { body = null; }
    if (status === 413) {
      return (body && body.detail) || "The file is larger than the upload limit.";
    }
    if (body && body.detail) return (body.code ? body.code + ": " : "") + body.detail;
    if (body && typeof body === "object") {
      return Object.keys(body).map(function (key) {
        const value = body[key];
        return key + ": " + (Array.isArray(value) ? value.join(" ") : String(value));
      }).join("; ");
    }
    return "Upload failed (HTTP " + status + ").";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    const file = input.files && input.files[0];
    if (!file) { showError("Choose a video file first."); return; }
    if (maxBytes && file.size > maxBytes) {
      showError("The file is " + mb(file.size) + ", over the upload limit of " + mb(maxBytes) + ".");
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
      text.textContent = mb(e.loaded) + " of " + mb(e.total) + " (" + percent + "%)";
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
      showError(errorMessage(xhr));
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
          : mb(sent) + " of " + mb(total) + " (" + percent + "%)";
      },
      onSuccess: function () { openResult(resumable.url); },
      onError: function (error) {
        const response = error.originalResponse;
        uploadEnded();
        box.hidden = true;
        showError(response ? responseMessage(response.getStatus(), response.getBody())
          : "The upload was interrupted (" + error.message + ").");
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
