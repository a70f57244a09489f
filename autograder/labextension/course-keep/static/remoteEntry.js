/* course-keep: a JupyterLab plugin that keeps every notebook the learner changes in the browser.
 *
 * Why our own: jupyter-offlinenotebook (pinned) stores a notebook in the browser only when its
 * "Save to browser storage" button is clicked, and no kept extension stores as the learner works.
 * This plugin writes the same IndexedDB record that button writes (database "jupyter-offlinenotebook",
 * Dexie schema "pk, repoid, name, type", key "repoid:<repo> path:<path>"), so the extension's
 * "Restore from browser storage" brings it back in a fresh session. It stores only once a cell's
 * source differs from what this session opened, never at opening: a fresh session's clean copy
 * (even run) must not overwrite the work kept from the last one.
 *
 * Hand-written as a webpack module-federation container (what `jupyter labextension build` emits)
 * because it needs no shared module: only the application object JupyterLab passes to activate.
 */
var _JUPYTERLAB;
(function () {
  'use strict';
  var DB = 'jupyter-offlinenotebook', STORE = 'offlinenotebook', DEXIE_VERSION = 10;  // Dexie version(1) × 10
  var DELAY_MS = 1000;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, DEXIE_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) {
          var store = db.createObjectStore(STORE, {keyPath: 'pk'});
          ['repoid', 'name', 'type'].forEach(function (index) { store.createIndex(index, index); });
        }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () {  // a newer schema than ours: open it as it is
        var again = indexedDB.open(DB);
        again.onsuccess = function () { resolve(again.result); };
        again.onerror = function () { reject(again.error); };
      };
    });
  }

  function put(record) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, 'readwrite');
        tx.objectStore(STORE).put(record);
        tx.oncomplete = function () { db.close(); resolve(); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function activate(app) {
    var settings = app.serviceManager.serverSettings;
    var repoid = fetch(settings.baseUrl + 'offlinenotebook/config', {
      headers: settings.token ? {Authorization: 'token ' + settings.token} : {}
    }).then(function (r) { return r.json(); }).then(function (c) { return c.repoid || null; })
      .catch(function () { return null; });

    function sources(model) {
      return JSON.stringify(model.toJSON().cells.map(function (c) { return c.source; }));
    }

    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: function (panel, context) {
        var opened = null, timer = null;
        function keep() {
          if (context.isDisposed || sources(context.model) === opened) return;
          repoid.then(function (id) {
            if (!id) return;  // the extension offers no browser storage without a repository id
            var path = context.path;
            return put({pk: 'repoid:' + id + ' path:' + path, repoid: id, name: path.replace(/.*\//, ''),
                        path: path, format: 'json', type: 'notebook', content: context.model.toJSON(),
                        keptAt: new Date().toISOString()});
          }).catch(function (error) { console.error('course-keep: could not keep ' + context.path, error); });
        }
        context.ready.then(function () {
          opened = sources(context.model);
          context.model.contentChanged.connect(function () {
            clearTimeout(timer);
            timer = setTimeout(keep, DELAY_MS);
          });
        });
        return {dispose: function () { clearTimeout(timer); }, isDisposed: false};
      }
    });
  }

  var plugin = {id: 'course-keep:plugin', autoStart: true, activate: activate};
  var modules = {'./extension': function () { return {__esModule: true, default: plugin}; }};
  (_JUPYTERLAB = window._JUPYTERLAB = window._JUPYTERLAB || {})['course-keep'] = {
    init: function () {},
    get: function (name) {
      if (!(name in modules)) return Promise.reject(new Error('course-keep has no module ' + name));
      return Promise.resolve(modules[name]);
    }
  };
})();
