package io.ams.app;
