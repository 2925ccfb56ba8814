FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHON=python
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY config ./config
COPY timeline ./timeline
RUN pip install --no-cache-dir -c constraints.txt .
COPY . .
RUN useradd --create-home app && chown -R app /app
USER app
EXPOSE 8000
CMD ["bin/serve"]
