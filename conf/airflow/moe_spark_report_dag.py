"""Airflow DAG: rebuild the moe-spark routing report every morning.

`moe-spark report` is incremental: it analyses the runs routed since the last report (runs in
routing/ with no analysis/, or routed again since), then rewrites <report-dir>/index.html over every
run. Running it daily (or after each training DAG) keeps the page current.

Needs apache-airflow-providers-apache-spark and a Spark connection (`spark_default`: master URL,
e.g. yarn). The report is written by the driver to a local directory, so the job runs in client
mode. Set the Airflow Variables `moe_spark_jar`, `moe_spark_out`, `moe_spark_report_dir` and
`moe_spark_conf` (a HOCON preset with the model shape the runs were trained with), or edit the
defaults below.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

with DAG(
    dag_id="moe_spark_report",
    description="Analyse newly routed moe-spark runs and rebuild the HTML routing report",
    schedule="0 6 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    # One report at a time: each run rewrites the same directory.
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["moe-spark"],
) as dag:
    SparkSubmitOperator(
        task_id="report",
        conn_id="spark_default",
        application="{{ var.value.get('moe_spark_jar', '/opt/moe-spark/moe-spark.jar') }}",
        java_class="org.moespark.jobs.MoeSpark",
        name="moe-spark report",
        conf={
            "spark.submit.deployMode": "client",
            "spark.executor.extraJavaOptions": "-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp",
        },
        application_args=[
            "report",
            "--conf", "{{ var.value.get('moe_spark_conf', '/opt/moe-spark/conf/demo.conf') }}",
            "--out", "{{ var.value.get('moe_spark_out', 'hdfs:///moe-spark/out') }}",
            "--report-dir", "{{ var.value.get('moe_spark_report_dir', '/srv/www/moe-spark-report') }}",
        ],
        driver_memory="4g",
        executor_memory="8g",
        verbose=False,
    )
