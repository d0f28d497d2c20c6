/* Minimal SCORM 1.2 runtime calls for the panya samples. */
(function () {
  "use strict";
  function findApi(win) {
    for (var depth = 0; win && depth < 10; depth++) {
      if (win.API) return win.API;
      if (win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  var api = findApi(window) || (window.opener && findApi(window.opener));
  window.lessonStart = function () { if (api) api.LMSInitialize(""); };
  window.lessonDone = function () {
    if (!api) return;
    api.LMSSetValue("cmi.core.lesson_status", "completed");
    api.LMSCommit("");
    api.LMSFinish("");
  };
})();
