-- grain: one row per Digest field and year where IPEDS and NCES Digest 322.10 bachelor's differ by more than 10%; passes when empty
-- from: features.int_supply__digest_vs_ipeds
-- why: the Digest tabulates IPEDS, so the two supply sources agree within a few percent (2019-20: 0.99-1.01);
--      a larger gap means a parser, a CIP recode or a field mapping broke, and the supply series would be wrong
SELECT *
FROM features.int_supply__digest_vs_ipeds
WHERE ipeds_over_digest NOT BETWEEN 0.9 AND 1.1
