#!/bin/sh
# How the team ran it: implicit async mode, four requests in flight.
exec ./app "$@"
