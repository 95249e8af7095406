"""The dataset manifest: what `caeser data fetch|list|verify` knows about each dataset.

One `Dataset` per name a user types (`airline_tweets`, `fivethirtyeight`, …). Each file says where
it lives under the data dir, where its original lives (a GitHub repo pinned at a commit, fetched from
the raw-content host) and how a copy is proven good: a sha256 for byte copies, expected row counts
and column totals for the two Online Retail tables we rebuild, the member list for the MovieLens
zip. The checksums were computed from the shared copies described in `../shared/data/README.md`.

Commits: a full SHA where one was confirmed, else the abbreviated SHA the data README lists; GitHub's
raw host resolves both.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field

RAW_HOST = "https://raw.githubusercontent.com"

CC_BY_4 = "CC BY 4.0 (verified in fivethirtyeight/data's README and LICENSE)."
NO_REPO_LICENCE = "the source repo has no licence"


class GitSource(BaseModel):
    """A file in a public GitHub repository at a pinned commit."""

    model_config = ConfigDict(frozen=True)

    repo: str
    commit: str
    path: str

    def url(self, base_url: str = RAW_HOST) -> str:
        return f"{base_url.rstrip('/')}/{self.repo}/{self.commit}/{quote(self.path)}"

    def __str__(self) -> str:
        return f"{self.repo}@{self.commit[:7]}:{self.path}"


class Sha256Check(BaseModel):
    """A byte-for-byte copy: the sha256 of the stored file (after `header` is prepended)."""

    kind: Literal["sha256"] = "sha256"
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class TotalsCheck(BaseModel):
    """A table we build ourselves: gzip or recompression can change bytes, so the content is checked."""

    kind: Literal["totals"] = "totals"
    rows: int
    sums: dict[str, float]


class ZipMembersCheck(BaseModel):
    """An archive whose publisher gives no checksum we could confirm: its members must all be there."""

    kind: Literal["zip_members"] = "zip_members"
    members: list[str]


Check = Annotated[Sha256Check | TotalsCheck | ZipMembersCheck, Field(discriminator="kind")]


class DataFile(BaseModel):
    path: str = Field(description="Relative to the data dir, POSIX separators.")
    size: int | None = Field(default=None, description="Bytes of the shared copy; informative only.")
    check: Check
    source: GitSource | None = Field(default=None, description="None for files built from `Dataset.build`.")
    url: str | None = Field(default=None, description="A non-GitHub download URL (MovieLens).")
    header: str | None = Field(default=None, description="Header line (with its line ending) we added in front of the original, which had none.")


class OnlineRetailBuild(BaseModel):
    """The by-day files the Online Retail tables are rebuilt from, one per trading date.

    Listing the folder would need the GitHub API (rate-limited, and not a raw file), so the names are
    derived from the trading dates instead: the by-day files are named `YYYY-MM-DD.csv`.
    """

    repo: str
    commit: str
    path_template: str
    dates: list[date]

    def sources(self) -> list[GitSource]:
        return [GitSource(repo=self.repo, commit=self.commit, path=self.path_template.format(date=d.isoformat())) for d in self.dates]


class Dataset(BaseModel):
    name: str
    title: str
    origin: str
    licence: str
    notice: str | None = Field(default=None, description="Printed whenever the dataset is fetched.")
    requires_acceptance: bool = Field(default=False, description="Fetch refuses without --accept-terms.")
    optional: bool = Field(default=False, description="Not part of `fetch all` nor of a bare `verify` unless present.")
    files: list[DataFile]
    build: OnlineRetailBuild | None = None


def _sha(path: str, size: int, digest: str, source: GitSource, header: str | None = None) -> DataFile:
    return DataFile(path=path, size=size, check=Sha256Check(sha256=digest), source=source, header=header)


def _fte(path: str) -> GitSource:
    return GitSource(repo="fivethirtyeight/data", commit="fcf572c", path=path)


def online_retail_trading_days() -> list[date]:
    """The 305 days with invoices, 2010-12-01 … 2011-12-09: every day but Saturdays and these closures."""
    closed = {date(2010, 12, 24), *(date(2010, 12, d) for d in range(26, 32)), date(2011, 1, 2), date(2011, 1, 3), date(2011, 4, 22),
              date(2011, 4, 24), date(2011, 4, 25), date(2011, 4, 29), date(2011, 5, 2), date(2011, 5, 30), date(2011, 8, 29)}
    start, end = date(2010, 12, 1), date(2011, 12, 9)
    days = (start + timedelta(n) for n in range((end - start).days + 1))
    return [d for d in days if d.weekday() != 5 and d not in closed]


AOL_NOTICE = (
    "WARNING: the AOL 2006 query log has no licence and was withdrawn over privacy problems: queries can identify "
    "people. Research and offline evaluation only. Never show it to customers, ship it, or train a shipped model on it."
)
MOVIELENS_TERMS = (
    "GroupLens MovieLens 100k terms: research use only; no redistribution without separate permission from GroupLens; "
    "no commercial or revenue-bearing use without permission; cite Harper & Konstan (2015). "
    "Re-run with --accept-terms to confirm you accept them."
)
NC_NOTICE = "Non-commercial (NC) terms, unverified: evaluation and fixture data only, not content the product ships."

MOVIELENS_MEMBERS = [f"ml-100k/{name}" for name in (
    "README", "u.data", "u.genre", "u.info", "u.item", "u.occupation", "u.user",
    "u1.base", "u1.test", "u2.base", "u2.test", "u3.base", "u3.test", "u4.base", "u4.test", "u5.base", "u5.test",
    "ua.base", "ua.test", "ub.base", "ub.test", "allbut.pl", "mku.sh",
)]

DATASETS: list[Dataset] = [
    Dataset(
        name="airline_tweets", title="Twitter US Airline Sentiment (Feb 2015)",
        origin="CrowdFlower 'Twitter US Airline Sentiment' (Kaggle)",
        licence=f"CrowdFlower 'Data for Everyone'; Kaggle lists CC BY-NC-SA 4.0 (unverified); {NO_REPO_LICENCE}.", notice=NC_NOTICE,
        files=[_sha("posts/airline_tweets.csv", 3436302, "6eb3b1cbd067d79858ea970a39325c98badf39844f7e2ec7029437468841a995",
                    GitSource(repo="AbhinavBahuguna2002/Sentiment-Analysis-of-Tweets", commit="8ed90485f89d13476228ed3723cbbbc2c228c1b2", path="Tweets.csv"))],
    ),
    Dataset(
        name="sxsw_posts", title="Brands and Product Emotions (SXSW 2011 tweets)",
        origin="CrowdFlower / data.world 'Brands and Product Emotions'",
        licence=f"data.world listing (unverified); {NO_REPO_LICENCE}.",
        files=[_sha("posts/sxsw_brand_emotions.csv", 1269754, "40b04d39d04ad77fb51dbd886b0b406ee800fb84233ef308f157edb29dccfc76",
                    GitSource(repo="LilianToo/NLP-Sentiment-Analysis-Project", commit="1ad3b2e6d7f2c684d7195f759078eea48bf97e8e", path="judge-1377884607_tweet_product_company.csv"))],
    ),
    Dataset(
        name="flipkart", title="Flipkart products (20k sample, 3 columns)",
        origin="PromptCloud crawl of Flipkart.com (Kaggle 'Flipkart Products')",
        licence=f"CC BY-SA 4.0 on Kaggle (unverified); {NO_REPO_LICENCE}.",
        files=[_sha("catalog/flipkart_products.csv", 3319480, "eca3f89d51e18d0051aac8bf5bcb13b088b7030bd7f68288854ac339d8f648f0",
                    GitSource(repo="SolBarker/ll-Tarea-Programada", commit="a310d345f08d260de84cd025156af91f76622190", path="flipkart_com-ecommerce_sample.csv"),
                    header="uniq_id,product_name,product_category_tree\n")],
    ),
    Dataset(
        name="amazon_toys", title="Toy products on Amazon UK (10k)",
        origin="PromptCloud crawl of Amazon.co.uk (data.world / Kaggle 'Toy Products on Amazon')",
        licence=f"CC BY-NC-SA 4.0 on Kaggle (unverified); {NO_REPO_LICENCE}.", notice=NC_NOTICE,
        files=[_sha("catalog/amazon_uk_toys.csv", 1649538, "91d3812924f6d8246aa1b1a59f67ab380d7ff13dbdb0d554bf9b086d4e4a935d",
                    GitSource(repo="Yannooh/Products", commit="7e862002ee9f1f3ca674979ad5e6255d8195c50b", path="amazon_co-ecommerce_sample.csv"),
                    header="uniq_id,product_name,amazon_category_and_sub_category,manufacturer,price,number_available_in_stock,"
                           "number_of_reviews,number_of_answered_questions,average_rating\r\n")],
    ),
    Dataset(
        name="aol_queries", title="AOL query log 2006, 100k queries", origin="AOL search log (2006)",
        licence="Repo MIT (verified); the AOL data has NO licence, is privacy-sensitive: research only.", notice=AOL_NOTICE,
        files=[_sha("queries/aol_100k.txt.gz", 383825, "fccb9297c1c91e3063aa33bcd1ee582ae5dffbf9915dba32cfe8fb7218b1a742",
                    GitSource(repo="bufistov/query-autocompleetion", commit="17ecaf0", path="queries/aol_2006_100K_queries.txt.gz"))],
    ),
    Dataset(
        name="trec05_queries", title="TREC 2005 Terabyte efficiency queries", origin="NIST TREC 2005 Terabyte track",
        licence="Repo MIT (verified); TREC query terms unverified.",
        files=[_sha("queries/trec05.completions", 1074011, "2ad9efcb6eddfb9259f9a35152510876d7ca88dd519f5ecbd5c2067981dc28a7",
                    GitSource(repo="jermp/autocomplete", commit="b3e9da7", path="test_data/trec_05_efficiency_queries/trec_05_efficiency_queries.completions"))],
    ),
    Dataset(
        name="wands_queries", title="Wayfair WANDS queries", origin="Wayfair ANnotation DataSet (ECIR 2022)",
        licence="MIT (verified, repo LICENSE).",
        files=[_sha("queries/wands_queries.csv", 19942, "63b61660560fecc33ec490804c7e2b81402ee3e7c31a9cbb5e03736639f68e95",
                    GitSource(repo="wayfair/WANDS", commit="3b74dcf4ba29ab8ff3e6a50b5b09fc627cb882b5", path="dataset/query.csv"))],
    ),
    Dataset(
        name="esci", title="Amazon Shopping Queries (ESCI), US: 150 queries and judgments", origin="Amazon ESCI via opensearch-devops",
        licence="Apache-2.0 (verified for opensearch-devops and amazon-science/esci-data).",
        files=[
            _sha("queries/esci_us_queryset.json", 7593, "8a8079160f30a3c4e6df10bce1d8c37afd52b3a5a355940b25d18837bcf804b0",
                 GitSource(repo="opensearch-project/opensearch-devops", commit="0d469b6", path="nightly-playground/sample-data/search-relevance/esci_us_queryset.json")),
            _sha("queries/esci_us_judgments.json", 568806, "3981436d88e42ef283b5d805c7fa7ec68cd9657584fbc96b3bcd8d51ad1ba708",
                 GitSource(repo="opensearch-project/opensearch-devops", commit="0d469b6", path="nightly-playground/sample-data/search-relevance/esci_us_judgments.json")),
        ],
    ),
    Dataset(
        name="prophet_retail_sales", title="US Census monthly retail sales (Prophet example)", origin="US Census Bureau",
        licence="Repo MIT (verified); Census data public domain (unverified).",
        files=[_sha("sales/prophet_retail_sales.csv", 5279, "6556f0683b78362c4bc4390b8feb66870beecd7189cc052e650ccac9b21cd65c",
                    GitSource(repo="facebook/prophet", commit="181f447", path="examples/example_retail_sales.csv"))],
    ),
    Dataset(
        name="prophet_online_retail", title="Online Retail daily quantity, top 30 items (Prophet example)", origin="UCI Online Retail",
        licence="Repo MIT (verified); UCI data CC BY 4.0 (unverified).",
        files=[_sha("sales/prophet_online_retail_multivariate.csv", 152173, "c555b9a1384727a06d0d2bf0a5f24dd52951a280822eb5587e48f1e4c6851329",
                    GitSource(repo="facebook/prophet", commit="e0e5e78575f9b77e48a65ffdd0f60e7e9dd0b7f7", path="examples/example_online_retail_multivariate.csv"))],
    ),
    Dataset(
        name="online_retail", title="UCI Online Retail, rebuilt daily and customer tables",
        origin="UCI Online Retail (Chen, Sain & Guo 2012), via databricks/Spark-The-Definitive-Guide by-day files",
        licence="Repo Apache-2.0 (verified); UCI data CC BY 4.0 (unverified); cite Chen, Sain & Guo 2012.",
        files=[
            DataFile(path="sales/online_retail_daily.csv.gz", size=4786047,
                     check=TotalsCheck(rows=310015, sums={"quantity": 5176450, "revenue": 9747747.93})),
            DataFile(path="sales/online_retail_customers.csv.gz", size=59813,
                     check=TotalsCheck(rows=4372, sums={"n_invoices": 22190, "total_quantity": 4906888, "total_revenue": 8300065.81})),
        ],
        build=OnlineRetailBuild(repo="databricks/Spark-The-Definitive-Guide", commit="4ba5601",
                                path_template="data/retail-data/by-day/{date}.csv", dates=online_retail_trading_days()),
    ),
    Dataset(
        name="fivethirtyeight", title="FiveThirtyEight surveys: food world cup, Star Wars, steak, Thanksgiving, drinks",
        origin="FiveThirtyEight / SurveyMonkey surveys; WHO GISAH (drinks)", licence=CC_BY_4,
        files=[
            _sha("affinity/food-world-cup-data.csv", 278461, "0ada78c5e93576f50fa84954d1c940292c2211ff9f0cfc0ba5f2d46ac232dd98", _fte("food-world-cup/food-world-cup-data.csv")),
            _sha("affinity/StarWars.csv", 531696, "8b4ae2a4ce59d124ac98ce5810a22bca5710e1dcd644fb7cb26344811ba3f989", _fte("star-wars-survey/StarWars.csv")),
            _sha("affinity/steak-risk-survey.csv", 62660, "cc25080bf53209ba5034d738e857bd6106314f8e49ac7c203dbca9ff35474a1a", _fte("steak-survey/steak-risk-survey.csv")),
            _sha("affinity/thanksgiving-2015-poll-data.csv", 385447, "992cc96b60f1591a7efb2480c2a3461d7f4f77c965ce8e1d9ca8b6ef78b33527", _fte("thanksgiving-2015/thanksgiving-2015-poll-data.csv")),
            _sha("affinity/drinks.csv", 4384, "c65221a9cf9ce0ed50660e56934f482a59a9f73f84335f8a94e9e3dd95d23405", _fte("alcohol-consumption/drinks.csv")),
        ],
    ),
    Dataset(
        name="young_people", title="Young People Survey (Slovakia, 2013)", origin="Kaggle 'Young People Survey' (M. Sabo)",
        licence=f"CC0 on Kaggle (unverified); {NO_REPO_LICENCE}.",
        files=[
            _sha("affinity/young_people_survey_responses.csv", 452332, "e6b2297a06292c439f58d33ea11e35d154dbe4ebdad0e2bff032ddf07d14af01",
                 GitSource(repo="danielsanky/cs4300sp2020-ds869-ec745-ne96-acf67", commit="2a2aedb", path="young-people-survey/responses.csv")),
            _sha("affinity/young_people_survey_columns.csv", 6408, "4422e3f7bb33e020211c6d0599e39d9d85b4d852b6f66a2a64dba7bf20704e4c",
                 GitSource(repo="danielsanky/cs4300sp2020-ds869-ec745-ne96-acf67", commit="2a2aedb", path="young-people-survey/columns.csv")),
        ],
    ),
    Dataset(
        name="marketing_campaign", title="Customer Personality Analysis (marketing campaign)", origin="Kaggle 'Customer Personality Analysis' (imakash3011)",
        licence=f"CC0 claimed on Kaggle (unverified); {NO_REPO_LICENCE}.",
        files=[_sha("personas/marketing_campaign.csv", 217947, "6d98e43ed5d6748e5bfb8594f2464956c3a3fa5d058a5a18f6013041774b7b70",
                    GitSource(repo="ChaitanyaKampara/Customer_Personality__Analysis", commit="23ea4a6c83da7a76745aa1c70fa681a39d944613", path="marketing_campaign.csv"))],
    ),
    Dataset(
        name="movielens", title="MovieLens 100k (GroupLens)", origin="GroupLens Research, files.grouplens.org",
        licence="GroupLens terms: research only, no redistribution, no commercial use without permission.",
        notice=MOVIELENS_TERMS, requires_acceptance=True, optional=True,
        files=[DataFile(path="affinity/ml-100k.zip", url="https://files.grouplens.org/datasets/movielens/ml-100k.zip",
                        check=ZipMembersCheck(members=MOVIELENS_MEMBERS))],
    ),
]

BY_NAME: dict[str, Dataset] = {d.name: d for d in DATASETS}


class UnknownDataset(ValueError):
    pass


def resolve(names: list[str]) -> list[Dataset]:
    """Datasets for the names typed; `all` (or nothing) means every non-optional one."""
    if not names or names == ["all"]:
        return [d for d in DATASETS if not d.optional]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise UnknownDataset(f"unknown dataset {', '.join(unknown)}; known: {', '.join(BY_NAME)}")
    return [BY_NAME[n] for n in dict.fromkeys(names)]


def dataset_of(relative_path: str) -> Dataset:
    """The dataset that owns a data-dir file; loaders use it to say what `caeser data fetch` gets it."""
    for ds in DATASETS:
        if any(f.path == relative_path for f in ds.files):
            return ds
    raise KeyError(relative_path)
