"""Seeds yearly US-dollar rates; admins add other currencies and years in the admin."""

from decimal import Decimal

from django.db import migrations

# Annual average of the PBOC central parity, yuan per US dollar (China Statistical Yearbook).
USD_RATES = {
    2010: "6.7695", 2011: "6.4588", 2012: "6.3125", 2013: "6.1932", 2014: "6.1428",
    2015: "6.2284", 2016: "6.6423", 2017: "6.7518", 2018: "6.6174", 2019: "6.8985",
    2020: "6.8976", 2021: "6.4515", 2022: "6.7261", 2023: "7.0467", 2024: "7.1217",
}
SOURCE = "国家统计局《中国统计年鉴》人民币对美元汇率年平均价"


def seed(apps, schema_editor):
    rate_model = apps.get_model("projects", "CurrencyRate")
    for year, rate in USD_RATES.items():
        rate_model.objects.get_or_create(
            currency="USD", year=year, defaults={"yuan_per_unit": Decimal(rate), "source": SOURCE}
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
