/* Saved ipywidgets, served by the site itself. Loaded on pages with widgets, after
   require.js and before the widget manager (_config.yml, nb_ipywidgets_js).

   1. The manager finds its icon fonts beside the module path that require.js gives it,
      which by default is the page's own folder: point it at this site's copy.
   2. Widgets typeset their labels with MathJax 2's MathJax.Hub.Queue, but the book
      runs MathJax 3: give them a Hub.Queue that calls MathJax 3's typesetter, so a
      label such as "$\rho$" shows the symbol, not a script error. */
(function () {
  var staticDir = document.currentScript.src.replace(/[^/]*$/, "");
  require.config({
    paths: { "@jupyter-widgets/html-manager/dist": staticDir + "vendor/html-manager" },
  });

  // MathJax 3 (a deferred script) has replaced window.MathJax by now; if it failed to
  // load, labels simply stay as text.
  document.addEventListener("DOMContentLoaded", function () {
    var mathjax = window.MathJax;
    if (!mathjax || mathjax.Hub) {
      return;
    }
    mathjax.Hub = {
      Queue: function (job) {
        var element = job[2];
        if (!mathjax.startup || !element) {
          return;
        }
        // A plain label written for Jupyter's $...$ becomes the book's \(...\).
        if (element.childElementCount === 0 && element.textContent.indexOf("$") >= 0) {
          element.textContent = element.textContent
            .replace(/\$\$([^$]+)\$\$/g, "\\[$1\\]")
            .replace(/\$([^$]+)\$/g, "\\($1\\)");
        }
        mathjax.startup.promise.then(function () {
          return mathjax.typesetPromise([element]);
        });
      },
    };
  });
})();
