/* Minimal SCORM 2004 runtime calls for the panya samples: find the LMS API, report
 * completion. Written for panya's demo course. */
(function () {
  "use strict";
  function findApi(win) {
    for (var depth = 0; win && depth < 10; depth++) {
      if (win.API_1484_11) return win.API_1484_11;
      if (win.parent === win) break;
      win = win.parent;
    }
    return null;
  }
  var api = findApi(window) || (window.opener && findApi(window.opener));
  window.lessonStart = function () {
    if (api) api.Initialize("");
  };
  window.lessonDone = function () {
    if (!api) return;
    api.SetValue("cmi.completion_status", "completed");
    api.Commit("");
    api.Terminate("");
  };
})();
