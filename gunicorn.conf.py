# gunicorn settings for PST Perpustakaan: `gunicorn wsgi:app` run from this folder reads
# this file.  When an access log is written (--access-logfile), the one-time tokens in
# verification, reset and softcopy links are replaced by "…" (app/logs.py).
logger_class = "app.logs.GunicornLogger"
