"""The patrons' resources: /members, /go/<id> and counted uses."""
