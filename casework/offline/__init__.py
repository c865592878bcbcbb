"""The teacher's field pages offline: an installable web app whose service worker keeps the
visit list and the quick visit form on the phone, and a queue that sends each visit once."""
