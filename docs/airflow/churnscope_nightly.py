"""Churnscope nightly on Airflow: one spark-submit of the product jar per business date.

Copy this file into your DAGs folder and adjust the constants below (docs/runbook.md, Scheduling).
It needs the Spark provider (apache-airflow-providers-apache-spark) and a Spark connection
(SPARK_CONN_ID) whose master is your cluster (yarn, k8s://..., spark://...).

- The run date is the DAG run's logical date ({{ ds }}): with a daily schedule that is the day
  that just ended, which is what the nightly processes (its own default is yesterday, UTC).
- One run at a time, in date order (max_active_runs=1, depends_on_past=True): the ingestion
  watermarks and the incremental rollups expect dates in order, and a lake has one writer.
- Clearing a task re-runs its date: Churnscope's writes replace exactly what that date wrote.
- Exit status: 0 succeeded; 2 a bad flag or configuration value (nothing ran); any other non-zero
  a failed stage (its message is in <lake>/_runs/run_manifest). Airflow marks the task failed on
  any non-zero status; retries are safe because a re-run is idempotent.
"""

from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# Where the build put the product jar (mvn -B -DskipTests package: jobs/target/...), and the
# HOCON file layered over conf/defaults.conf (see conf/cluster-example.conf).
CHURNSCOPE_JAR = "/opt/churnscope/churnscope-jobs-0.1.0-SNAPSHOT.jar"
CHURNSCOPE_CONF = "/opt/churnscope/conf/prod.conf"
SPARK_CONN_ID = "spark_default"

default_args = {
    "owner": "data-engineering",
    "depends_on_past": True,
    "retries": 1,
    "retry_delay": timedelta(minutes=15),
}

with DAG(
    dag_id="churnscope_nightly",
    description="Churnscope nightly: ingestion, marts, health, cube, hot-spots, catalog, run report",
    start_date=datetime(2026, 11, 1),
    # After the day's raw deliveries have landed under <lake>/raw/<source>/dt=YYYY-MM-DD/.
    schedule="30 2 * * *",
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["churnscope"],
) as dag:
    nightly = SparkSubmitOperator(
        task_id="nightly",
        conn_id=SPARK_CONN_ID,
        application=CHURNSCOPE_JAR,
        java_class="io.churnscope.jobs.Churnscope",
        name="churnscope-nightly-{{ ds }}",
        # Spark and Delta are provided: a Spark 4.1 (Scala 2.13) distribution plus Delta.
        packages="io.delta:delta-spark_2.13:4.3.1",
        # --conf names a file on the driver's local disk. With the connection's deploy mode
        # "cluster" (extra {"deploy-mode": "cluster"}), --files puts prod.conf in the driver's
        # working directory; in client mode pass CHURNSCOPE_CONF itself instead.
        files=CHURNSCOPE_CONF,
        application_args=["nightly", "--conf", "prod.conf", "--run-date", "{{ ds }}"],
        # Sizing: docs/runbook.md, Sizing.
        driver_memory="8g",
        executor_memory="8g",
        num_executors=4,
        executor_cores=4,
        conf={"spark.sql.shuffle.partitions": "48"},
        execution_timeout=timedelta(hours=2),
    )
