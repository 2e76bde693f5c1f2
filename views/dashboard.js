/* The dashboard's live updates: each snapshot from the event stream replaces the incidents, as
   the server rendered them, and times are shown in the reader's own time zone. Reads only. */
/* global document, window, EventSource */
(function () {
  'use strict';
  var main = document.getElementById('incidents');
  var status = document.getElementById('live-status');
  var generated = document.getElementById('generated-at');
  var clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });

  function localTimes(root) {
    var times = root.querySelectorAll('time[data-local]');
    for (var i = 0; i < times.length; i++) {
      var at = new Date(times[i].getAttribute('datetime'));
      if (!isNaN(at.getTime())) times[i].textContent = clock.format(at);
    }
  }

  function apply(snapshot) {
    // Keep the reader's place: focus returns to the element with the same id after the swap.
    var focused = document.activeElement && main.contains(document.activeElement) ? document.activeElement.id : '';
    main.innerHTML = snapshot.html;
    main.setAttribute('data-open-incidents', String(snapshot.openIncidents));
    generated.setAttribute('datetime', snapshot.generatedAt);
    generated.textContent = clock.format(new Date(snapshot.generatedAt));
    localTimes(main);
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
  }

  // A status line is announced when it changes, so it is written only then.
  function say(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  localTimes(document);
  if (!window.EventSource) return;
  var source = new EventSource('/v1/dashboard/events?format=html');
  source.addEventListener('snapshot', function (event) {
    apply(JSON.parse(event.data));
    say('Live updates on.');
  });
  source.addEventListener('error', function () {
    say(source.readyState === EventSource.CLOSED ? 'Live updates stopped: reload the page.' : 'Reconnecting to live updates…');
  });
})();
