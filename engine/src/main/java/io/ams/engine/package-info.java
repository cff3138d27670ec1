/** AMS engine. */ package io.ams.engine;
