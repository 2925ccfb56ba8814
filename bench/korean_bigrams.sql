-- Korean search at a million rows, and a proposed index (README, "Korean search, measured").
-- Run in a scratch database of your own, never in a bench_* database:
--   createdb -h 127.0.0.1 -U postgres h_korean_scratch
--   psql -h 127.0.0.1 -U postgres h_korean_scratch -f bench/korean_bigrams.sql
-- It writes 1 000 000 rows of text shaped like seed_synthetic's (the same 29 words and 13
-- places in both languages; only the six text columns the search reads), times the condition
-- timeline/selectors/search.py builds for a Hangul word (LIKE '%word%' on six columns, ORed;
-- the first query of the API list asks for up to 2 001 matches), then the same with a GIN-indexed
-- tsvector of the texts' Hangul syllable pairs narrowing it first.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DROP TABLE IF EXISTS ev;
CREATE TABLE ev (id bigint primary key, publication varchar(20), title varchar(300), summary text, location varchar(200), title_ko varchar(300), summary_ko text, location_ko varchar(200));
WITH w(en, ko) AS (SELECT * FROM unnest(
  string_to_array('summit talks envoy missile drill congress statement proposal visit sanctions border dialogue denuclearization peace treaty delegation launch exercise hotline agreement minister leaders parade inspection satellite reunion liaison office armistice', ' '),
  string_to_array('정상회담 회담 특사 미사일 훈련 대회 성명 제안 방문 제재 국경 대화 비핵화 평화 조약 대표단 발사 연합훈련 핫라인 합의 장관 정상 열병식 사찰 위성 상봉 연락 사무소 정전', ' '))),
wa AS (SELECT array_agg(en) en, array_agg(ko) ko FROM w),
p AS (SELECT string_to_array('Seoul,Pyongyang,Panmunjom,Beijing,Washington,Tokyo,Moscow,Hanoi,Singapore,Geneva,Vladivostok,Busan,Kaesong,', ',') en,
             string_to_array('서울,평양,판문점,베이징,워싱턴,도쿄,모스크바,하노이,싱가포르,제네바,블라디보스토크,부산,개성,', ',') ko),
r AS (SELECT g AS id, 1 + floor(random()*29)::int a, 1 + floor(random()*29)::int b, 1 + floor(random()*14)::int pl,
        ARRAY(SELECT 1 + floor(random()*29)::int + g*0 FROM generate_series(1,25)) s
      FROM generate_series(1, 1000000) g)
INSERT INTO ev SELECT r.id, CASE WHEN random() < 0.97 THEN 'published' ELSE 'draft' END,
  initcap(wa.en[a]) || ' ' || wa.en[b] || ' in ' || coalesce(nullif(p.en[pl], ''), 'the region'),
  (SELECT string_agg(wa.en[x], ' ') FROM unnest(s) x) || '.',
  p.en[pl],
  coalesce(nullif(p.ko[pl], ''), '지역') || '에서 ' || wa.ko[a] || ' ' || wa.ko[b],
  (SELECT string_agg(wa.ko[x], ' ') FROM unnest(s) x) || '.',
  p.ko[pl]
FROM r, wa, p;
CREATE INDEX ev_title_ko_trgm ON ev USING gin (title_ko gin_trgm_ops);
CREATE INDEX ev_summary_ko_trgm ON ev USING gin (summary_ko gin_trgm_ops);
CREATE INDEX ev_title_trgm ON ev USING gin (title gin_trgm_ops);
VACUUM ANALYZE ev;
\timing on
-- Now: a word that matches nothing (무지개), a two-syllable one absent from the text (북한, no
-- trigram to use), a common one (정상회담).
EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM ev WHERE publication='published' AND (title_ko LIKE '%무지개%' OR summary_ko LIKE '%무지개%' OR location_ko LIKE '%무지개%' OR title LIKE '%무지개%' OR summary LIKE '%무지개%' OR location LIKE '%무지개%') LIMIT 2001;
EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM ev WHERE publication='published' AND (title_ko LIKE '%북한%' OR summary_ko LIKE '%북한%' OR location_ko LIKE '%북한%' OR title LIKE '%북한%' OR summary LIKE '%북한%' OR location LIKE '%북한%') LIMIT 2001;
EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM ev WHERE publication='published' AND (title_ko LIKE '%정상회담%' OR summary_ko LIKE '%정상회담%' OR location_ko LIKE '%정상회담%' OR title LIKE '%정상회담%' OR summary LIKE '%정상회담%' OR location LIKE '%정상회담%') LIMIT 2001;
-- Proposed: Hangul syllable bigrams of the six texts, GIN-indexed; a word matches where all its
-- bigrams are (the LIKE conditions recheck the candidates exactly).
\timing off
CREATE OR REPLACE FUNCTION hangul_bigrams(t text) RETURNS tsvector IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $f$
  SELECT coalesce(array_to_tsvector(array_agg(DISTINCT substr(w, i, 2))), ''::tsvector)
  FROM regexp_split_to_table(t, '[^가-힣]+') AS w, generate_series(1, length(w) - 1) AS i
$f$;

ALTER TABLE ev ADD COLUMN ko_bigrams tsvector GENERATED ALWAYS AS (hangul_bigrams(
  coalesce(title_ko,'') || ' ' || coalesce(summary_ko,'') || ' ' || coalesce(location_ko,'') || ' ' ||
  coalesce(title,'') || ' ' || coalesce(summary,'') || ' ' || coalesce(location,''))) STORED;
CREATE INDEX ev_ko_bigrams ON ev USING gin (ko_bigrams);
VACUUM ANALYZE ev;
select pg_size_pretty(pg_relation_size('ev_ko_bigrams')) bigram_index, pg_size_pretty(pg_relation_size('ev_summary_ko_trgm')) summary_ko_trgm, pg_size_pretty(pg_relation_size('ev')) heap, count(*) from ev;
\timing on
EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM ev WHERE publication='published' AND ko_bigrams @@ '''무지'' & ''지개'''::tsquery AND (title_ko LIKE '%무지개%' OR summary_ko LIKE '%무지개%' OR location_ko LIKE '%무지개%' OR title LIKE '%무지개%' OR summary LIKE '%무지개%' OR location LIKE '%무지개%') LIMIT 2001;
EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM ev WHERE publication='published' AND ko_bigrams @@ '''북한'''::tsquery AND (title_ko LIKE '%북한%' OR summary_ko LIKE '%북한%' OR location_ko LIKE '%북한%' OR title LIKE '%북한%' OR summary LIKE '%북한%' OR location LIKE '%북한%') LIMIT 2001;
EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM ev WHERE publication='published' AND ko_bigrams @@ '''정상'' & ''상회'' & ''회담'''::tsquery AND (title_ko LIKE '%정상회담%' OR summary_ko LIKE '%정상회담%' OR location_ko LIKE '%정상회담%' OR title LIKE '%정상회담%' OR summary LIKE '%정상회담%' OR location LIKE '%정상회담%') LIMIT 2001;
